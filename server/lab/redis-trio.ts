import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import Redis from "ioredis";
import { pickPort } from "@/server/supervisor/free-port";

/**
 * A Redis master + one replica + three sentinels on 127.0.0.1, as child
 * processes of the caller (no daemonize), for the lab, the tests and the
 * switchover benchmark. Sentinel rewrites its config file while it runs, and
 * the nodes' files are rewritten by sentinel's CONFIG REWRITE after a
 * failover, so fresh configs are written on every start: a restart always
 * begins as "first port is the master".
 *
 * Each process's pid is kept in <dir>/<name>/pid: if the caller was killed
 * outright (SIGKILL leaves its children running), the next start stops those
 * leftovers first, so the trio comes back on its saved ports instead of
 * moving to free ones.
 */
export type HostPort = { host: string; port: number };

export type RedisTrioOptions = {
  /** configs, data and logs live under it */
  dir: string;
  /** preferred ports (absent or taken: any free port) */
  ports?: { master?: number; replica?: number; sentinels?: number[] };
  masterName?: string;
  /** how long to wait for the sentinels to agree and the replica to link */
  readyTimeoutMs?: number;
  /** aborting stops whatever was started and rejects at once (a shutdown does not wait for readiness) */
  signal?: AbortSignal;
};

export type RedisTrio = {
  master: HostPort;
  replica: HostPort;
  sentinels: HostPort[];
  masterName: string;
  /** kill a data node (by port) the way a crash would (SIGKILL by default) */
  killNode: (port: number, signal?: NodeJS.Signals) => Promise<void>;
  /** the OS pid of a data node (tests SIGSTOP a replica to make it fall behind) */
  pidOf: (port: number) => number | null;
  /** start a killed data node again with the config it has on disk */
  restartNode: (port: number) => Promise<void>;
  stop: () => Promise<void>;
};

const HOST = "127.0.0.1";

function which(bin: string): string | null {
  for (const dir of (process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin").split(":")) {
    const p = path.join(dir, bin);
    if (existsSync(p)) return p;
  }
  return null;
}

/** redis-sentinel is a symlink to redis-server; either binary can run a sentinel (`--sentinel`), but the lab wants the packaged one installed. */
export function redisTrioAvailable(): boolean {
  return which("redis-server") !== null && which("redis-sentinel") !== null;
}

type Proc = { name: string; port: number; args: string[]; logFile: string; pidFile: string; child: ChildProcess | null; exited: Promise<void> };

const SENTINELS = ["sentinel-1", "sentinel-2", "sentinel-3"];
const NODES = ["master", "replica"];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a redis process an earlier start left running (its parent was
 * SIGKILLed). The pid is trusted only while /proc says it is still a redis
 * process: a recycled pid belongs to someone else.
 */
export async function stopLeftover(pidFile: string, graceMs = 5000): Promise<boolean> {
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 1 || !alive(pid)) return false;
  let cmd = "";
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return false;
  }
  if (!cmd.includes("redis")) return false;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await sleep(50);
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    return true;
  }
  while (alive(pid)) await sleep(20);
  return true;
}

function launch(p: Proc): void {
  const bin = which("redis-server") ?? "redis-server";
  const fd = openSync(p.logFile, "a");
  // a clean environment: nothing inherited (REDISCLI_AUTH and the like) changes how the daemons behave
  const env: NodeJS.ProcessEnv = { NODE_ENV: process.env.NODE_ENV, PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp" };
  const child: ChildProcess = spawn(bin, p.args, { stdio: ["ignore", fd, fd], env });
  closeSync(fd);
  if (child.pid) writeFileSync(p.pidFile, `${child.pid}\n`);
  p.child = child;
  p.exited = new Promise((resolve) => child.once("exit", () => resolve()));
}

async function terminate(p: Proc, signal: NodeJS.Signals = "SIGTERM", graceMs = 5000): Promise<void> {
  const child = p.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const done = await Promise.race([p.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!done) {
    child.kill("SIGKILL");
    await p.exited;
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

function nodeConfig(port: number, dataDir: string, replicaOf?: number): string {
  return [
    `port ${port}`,
    `bind ${HOST}`,
    "daemonize no",
    "protected-mode no",
    `dir ${dataDir}`,
    'save ""',
    "appendonly no",
    // the default 5 s delay before a diskless full sync would slow every start and rejoin
    "repl-diskless-sync yes",
    "repl-diskless-sync-delay 0",
    ...(replicaOf ? [`replicaof ${HOST} ${replicaOf}`] : []),
    "",
  ].join("\n");
}

function sentinelConfig(port: number, dataDir: string, masterName: string, masterPort: number): string {
  return [
    `port ${port}`,
    `bind ${HOST}`,
    "daemonize no",
    "protected-mode no",
    `dir ${dataDir}`,
    `sentinel monitor ${masterName} ${HOST} ${masterPort} 2`,
    `sentinel down-after-milliseconds ${masterName} 2000`,
    `sentinel failover-timeout ${masterName} 10000`,
    `sentinel parallel-syncs ${masterName} 1`,
    "",
  ].join("\n");
}

async function oneShot<T>(hp: HostPort, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ host: hp.host, port: hp.port, lazyConnect: true, connectTimeout: 1000, commandTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: false });
  r.on("error", () => {});
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

/** Sentinels agree on the master, know each other, and see the replica linked; the replica says its link is up. */
async function trioReady(master: HostPort, replica: HostPort, sentinels: HostPort[], name: string): Promise<string | null> {
  for (const s of sentinels) {
    const problem = await oneShot(s, async (r) => {
      const addr = (await r.call("SENTINEL", "get-master-addr-by-name", name)) as string[] | null;
      if (!addr || addr[0] !== master.host || Number(addr[1]) !== master.port) return `sentinel ${s.port} sees master ${addr?.join(":") ?? "none"}`;
      const m = pairs((await r.call("SENTINEL", "master", name)) as string[]);
      if (Number(m["num-other-sentinels"]) < sentinels.length - 1) return `sentinel ${s.port} knows ${m["num-other-sentinels"]} other sentinels`;
      const reps = ((await r.call("SENTINEL", "replicas", name)) as string[][]).map(pairs);
      const rep = reps.find((x) => Number(x.port) === replica.port);
      if (!rep || rep.flags !== "slave" || rep["master-link-status"] !== "ok") return `sentinel ${s.port} does not see the replica linked`;
      return null;
    }).catch((e: Error) => `sentinel ${s.port}: ${e.message}`);
    if (problem) return problem;
  }
  return oneShot(replica, async (r) => {
    const info = (await r.info("replication")) as string;
    return /master_link_status:up/.test(info) ? null : "replica link not up";
  }).catch((e: Error) => `replica: ${e.message}`);
}

function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] as string] = flat[i + 1] as string;
  return out;
}

export async function startRedisTrio(opts: RedisTrioOptions): Promise<RedisTrio> {
  if (!redisTrioAvailable()) throw new Error("redis-server / redis-sentinel are not installed (apt-get install -y redis-server redis-sentinel)");
  const masterName = opts.masterName ?? "bulwark-lab";
  const signal = opts.signal;
  const abortError = () => (signal?.reason instanceof Error ? signal.reason : new Error("redis trio start aborted"));
  // sentinels first, so none of them fails over a leftover master that is merely stopping
  for (const group of [SENTINELS, NODES]) await Promise.all(group.map((name) => stopLeftover(path.join(opts.dir, name, "pid"))));
  if (signal?.aborted) throw abortError();
  const masterPort = await pickPort(opts.ports?.master);
  const replicaPort = await pickPort(opts.ports?.replica);
  const sentinelPorts: number[] = [];
  for (let i = 0; i < 3; i++) sentinelPorts.push(await pickPort(opts.ports?.sentinels?.[i]));

  const procs: Proc[] = [];
  const add = (name: string, port: number, conf: string, sentinel: boolean) => {
    const d = path.join(opts.dir, name);
    mkdirSync(d, { recursive: true });
    const confFile = path.join(d, sentinel ? "sentinel.conf" : "redis.conf");
    writeFileSync(confFile, conf);
    const p: Proc = {
      name,
      port,
      args: sentinel ? [confFile, "--sentinel"] : [confFile],
      logFile: path.join(d, "log.txt"),
      pidFile: path.join(d, "pid"),
      child: null,
      exited: Promise.resolve(),
    };
    procs.push(p);
    return p;
  };
  const masterDir = path.join(opts.dir, "master");
  const replicaDir = path.join(opts.dir, "replica");
  add("master", masterPort, nodeConfig(masterPort, masterDir), false);
  add("replica", replicaPort, nodeConfig(replicaPort, replicaDir, masterPort), false);
  sentinelPorts.forEach((port, i) => add(`sentinel-${i + 1}`, port, sentinelConfig(port, path.join(opts.dir, `sentinel-${i + 1}`), masterName, masterPort), true));

  const master = { host: HOST, port: masterPort };
  const replica = { host: HOST, port: replicaPort };
  const sentinels = sentinelPorts.map((port) => ({ host: HOST, port }));
  const stop = async () => {
    // sentinels first, so none of them fails over a master that is merely stopping
    await Promise.all(procs.filter((p) => p.name.startsWith("sentinel")).map((p) => terminate(p)));
    await Promise.all(procs.filter((p) => !p.name.startsWith("sentinel")).map((p) => terminate(p)));
  };

  try {
    for (const p of procs.slice(0, 2)) launch(p);
    for (const p of procs.slice(2)) launch(p);
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
    let problem: string | null = "not checked";
    while (Date.now() < deadline) {
      if (signal?.aborted) throw abortError();
      const dead = procs.find((p) => p.child && (p.child.exitCode !== null || p.child.signalCode !== null));
      if (dead) throw new Error(`${dead.name} exited (log: ${dead.logFile})`);
      problem = await trioReady(master, replica, sentinels, masterName);
      if (!problem) break;
      await sleep(200, signal);
    }
    if (signal?.aborted) throw abortError();
    if (problem) throw new Error(`redis trio not ready: ${problem}`);
  } catch (err) {
    await stop();
    throw err;
  }

  const byPort = (port: number) => {
    const p = procs.find((x) => x.port === port && !x.name.startsWith("sentinel"));
    if (!p) throw new Error(`no data node on port ${port}`);
    return p;
  };
  return {
    master,
    replica,
    sentinels,
    masterName,
    killNode: (port, signal = "SIGKILL") => terminate(byPort(port), signal, 5000),
    pidOf: (port) => byPort(port).child?.pid ?? null,
    restartNode: async (port) => {
      const p = byPort(port);
      if (p.child && p.child.exitCode === null && p.child.signalCode === null) return;
      launch(p);
    },
    stop,
  };
}
