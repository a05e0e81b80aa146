/**
 * A real Patroni lab on 127.0.0.1: a single-node etcd, two Patroni nodes on
 * the system PostgreSQL 15 binaries and HAProxy routing to the leader
 * (`option httpchk GET /primary`). Every daemon runs with a clean environment
 * (an inherited PGPASSWORD would override Patroni's pgpass and break
 * replication) and, as root, as the OS user `postgres`; the real PIDs are
 * written from inside the shell that starts them, because runuser forks.
 * Readiness is waited on real signals only (see ../shared/HA-LAB-NOTES.md).
 *
 * Used by test/failover/patroni.test.ts and by the switchover benchmark.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { pickPort } from "@/server/supervisor/free-port";
import { isPostgres, readPid, startDaemon as startProcess, stopPid, tailOf, waitUntil } from "./daemons";

export const PG_BIN_DIR = "/usr/lib/postgresql/15/bin";
const BINARIES = {
  patroni: "/usr/bin/patroni",
  etcd: "/usr/bin/etcd",
  haproxy: "/usr/sbin/haproxy",
  postgres: `${PG_BIN_DIR}/postgres`,
  pgBasebackup: `${PG_BIN_DIR}/pg_basebackup`,
} as const;

/** Why the lab cannot run here, or null when it can. */
export function patroniLabMissing(): string | null {
  const missing = Object.values(BINARIES).filter((p) => !existsSync(p));
  if (missing.length) return `Patroni lab binaries missing (${missing.join(", ")}); .ci/run installs patroni, etcd-server, haproxy, postgresql-15`;
  if (process.getuid?.() === 0 && !existsSync("/usr/sbin/runuser") && !existsSync("/usr/bin/runuser")) return "running as root without runuser";
  return null;
}

export type PatroniLabNode = { name: string; apiUrl: string; pgPort: number; restPort: number; dataDir: string };

export type PatroniLab = {
  /** REST API base URLs, one per node */
  apiUrls: string[];
  /** postgres:// through HAProxy to the current leader (superuser) */
  haproxyUrl: string;
  /** REST API basic auth */
  username: string;
  password: string;
  nodes: PatroniLabNode[];
  /** postgres:// straight to one node */
  pgUrl: (node: string) => string;
  /** HAProxy's view of the primary backend: server name → status (UP / DOWN …) */
  haproxyStatus: () => Promise<Record<string, string>>;
  /** the node HAProxy routes to, once exactly one server is UP */
  waitHaproxyOn: (node: string, timeoutMs?: number) => Promise<void>;
  /** kill -9 a node's Patroni and its postmaster: the node is gone, as in a crash (Patroni fails over after ttl) */
  killNode: (node: string) => Promise<void>;
  dir: string;
  pids: () => Record<string, number>;
  stop: () => Promise<void>;
};

export type PatroniLabOptions = { nodes?: number; timeoutMs?: number; log?: (msg: string) => void };


export async function startPatroniLab(opts: PatroniLabOptions = {}): Promise<PatroniLab> {
  const why = patroniLabMissing();
  if (why) throw new Error(why);
  const count = opts.nodes ?? 2;
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const log = opts.log ?? (() => undefined);
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), "bulwark-patroni-"));
  const pidFiles = new Map<string, string>();
  const secret = () => randomBytes(12).toString("hex");
  const creds = { rest: { username: "bulwark", password: secret() }, superuser: secret(), replicator: secret() };

  const ports = { etcdClient: await pickPort(), etcdPeer: await pickPort(), haproxy: await pickPort(), stats: await pickPort() };
  const nodes: PatroniLabNode[] = [];
  for (let i = 1; i <= count; i++) {
    const restPort = await pickPort();
    const pgPort = await pickPort();
    const name = `pg${i}`;
    nodes.push({ name, restPort, pgPort, apiUrl: `http://127.0.0.1:${restPort}`, dataDir: path.join(dir, name, "data") });
  }

  const startDaemon = async (name: string, argv: string[], home: string) => {
    const pidFile = await startProcess({ dir, name, argv, home, asRoot });
    pidFiles.set(name, pidFile);
    log(`${name} started, pid ${readPid(pidFile)}`);
  };

  const lab: PatroniLab = {
    apiUrls: nodes.map((n) => n.apiUrl),
    haproxyUrl: `postgres://postgres:${creds.superuser}@127.0.0.1:${ports.haproxy}/postgres`,
    username: creds.rest.username,
    password: creds.rest.password,
    nodes,
    dir,
    pgUrl: (name) => `postgres://postgres:${creds.superuser}@127.0.0.1:${nodes.find((n) => n.name === name)?.pgPort ?? 0}/postgres`,
    haproxyStatus: () => haproxyStatus(ports.stats),
    waitHaproxyOn: (name, ms = 30_000) =>
      waitUntil(async () => {
        const s = await haproxyStatus(ports.stats).catch(() => ({}) as Record<string, string>);
        const up = Object.entries(s).filter(([, st]) => st === "UP");
        return up.length === 1 && up[0]?.[0] === name;
      }, ms, `HAProxy routing to ${name} only`),
    killNode: async (name) => {
      const node = nodes.find((n) => n.name === name);
      if (!node) throw new Error(`no lab node ${name}`);
      const postmaster = readPid(path.join(node.dataDir, "postmaster.pid"));
      await stopPid(readPid(pidFiles.get(`patroni-${name}`) ?? ""), 5000, "SIGKILL");
      if (postmaster && isPostgres(postmaster)) await stopPid(postmaster, 5000, "SIGKILL");
    },
    pids: () => Object.fromEntries([...pidFiles].map(([n, f]) => [n, readPid(f)])),
    stop: async () => {
      // Patroni stops its own PostgreSQL; then the DCS and the router.
      const patronis = [...pidFiles.keys()].filter((n) => n.startsWith("patroni-"));
      await Promise.all(patronis.map((n) => stopPid(readPid(pidFiles.get(n) ?? ""), 30_000)));
      for (const n of nodes) {
        // A postmaster left behind by a Patroni that had to be killed.
        const pm = readPid(path.join(n.dataDir, "postmaster.pid"));
        if (pm && isPostgres(pm)) await stopPid(pm, 15_000);
      }
      for (const n of ["haproxy", "etcd"]) {
        const f = pidFiles.get(n);
        if (f) await stopPid(readPid(f), 10_000);
      }
      if (!process.env.BULWARK_KEEP_LAB) rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    writeConfigs(dir, nodes, ports, creds);
    if (asRoot) execFileSync("chown", ["-R", "postgres:postgres", dir]);
    const started = Date.now();
    const left = () => Math.max(1000, timeoutMs - (Date.now() - started));

    await startDaemon("etcd", etcdArgs(dir, ports), dir);
    await waitUntil(async () => (await getJson(`http://127.0.0.1:${ports.etcdClient}/health`))?.body?.health === "true", left(), "etcd health");
    await startDaemon("haproxy", [BINARIES.haproxy, "-db", "-f", path.join(dir, "haproxy.cfg")], dir);
    await Promise.all(nodes.map((n) => startDaemon(`patroni-${n.name}`, [BINARIES.patroni, path.join(dir, n.name, "patroni.yml")], path.join(dir, n.name))));

    let leader = "";
    await waitUntil(async () => {
      const statuses = await Promise.all(nodes.map((n) => status(`${n.apiUrl}/primary`)));
      const primaries = nodes.filter((_, i) => statuses[i] === 200);
      leader = primaries.length === 1 ? (primaries[0]?.name ?? "") : "";
      return leader !== "";
    }, left(), "/primary 200 on one node");
    await waitUntil(async () => (await Promise.all(nodes.map((n) => status(`${n.apiUrl}/health`)))).every((s) => s === 200), left(), "/health 200 on every node");
    // HAProxy counts servers UP until their first check fails: wait until every server was checked and only the leader is UP.
    await waitUntil(async () => {
      const s = await haproxyStatus(ports.stats, true).catch(() => ({}) as Record<string, string>);
      const up = Object.entries(s).filter(([, st]) => st === "UP");
      return Object.keys(s).length === nodes.length && up.length === 1 && up[0]?.[0] === leader;
    }, left(), "HAProxy stats: exactly one UP");
    const sql = postgres(lab.haproxyUrl, { max: 1, connect_timeout: 5, onnotice: () => undefined });
    try {
      await waitUntil(async () => {
        const [row] = await sql<{ n: number }[]>`select count(*)::int as n from pg_stat_replication where state = 'streaming'`.catch(() => [{ n: -1 }]);
        return row?.n === nodes.length - 1;
      }, left(), "pg_stat_replication streaming on the leader");
    } finally {
      await sql.end({ timeout: 1 });
    }
    // Patroni's own view (what a driver reads) lags the members by up to loop_wait: wait until it shows them all running.
    await waitUntil(async () => {
      const members = (await getJson(`${nodes[0]?.apiUrl}/cluster`))?.body?.members;
      return Array.isArray(members) && members.length === nodes.length && members.every((m: { state?: string }) => m.state === "running" || m.state === "streaming");
    }, left(), "GET /cluster: every member running");
    log(`lab up in ${Date.now() - started} ms, leader ${leader}`);
    return lab;
  } catch (e) {
    const tail = [...pidFiles.keys()].map((n) => `--- ${n}.log\n${tailOf(path.join(dir, `${n}.log`))}`).join("\n");
    await lab.stop().catch(() => undefined);
    throw new Error(`${(e as Error).message}\n${tail}`);
  }
}

function writeConfigs(
  dir: string,
  nodes: PatroniLabNode[],
  ports: { etcdClient: number; haproxy: number; stats: number },
  creds: { rest: { username: string; password: string }; superuser: string; replicator: string },
): void {
  for (const n of nodes) {
    const nodeDir = path.join(dir, n.name);
    mkdirSync(nodeDir, { recursive: true });
    // JSON is YAML: Patroni reads it as is.
    const config = {
      scope: "bulwark-lab",
      name: n.name,
      log: { level: "INFO" },
      restapi: {
        listen: `127.0.0.1:${n.restPort}`,
        connect_address: `127.0.0.1:${n.restPort}`,
        authentication: creds.rest,
      },
      // etcd3, not etcd: the v2 API is off in etcd 3.4 and Patroni would wait on it forever.
      etcd3: { hosts: `127.0.0.1:${ports.etcdClient}` },
      bootstrap: {
        // Fast lab timings; loop_wait + 2 × retry_timeout ≤ ttl.
        dcs: {
          ttl: 10,
          loop_wait: 2,
          retry_timeout: 4,
          maximum_lag_on_failover: 16 * 1024 * 1024,
          postgresql: {
            use_pg_rewind: true,
            use_slots: true,
            parameters: { wal_log_hints: "on", wal_level: "replica", hot_standby: "on", max_wal_senders: 10, max_replication_slots: 10, wal_keep_size: "64MB" },
          },
        },
        initdb: [{ encoding: "UTF8" }, { locale: "C" }],
      },
      postgresql: {
        listen: `127.0.0.1:${n.pgPort}`,
        connect_address: `127.0.0.1:${n.pgPort}`,
        data_dir: n.dataDir,
        bin_dir: PG_BIN_DIR,
        pgpass: path.join(nodeDir, "pgpass"),
        authentication: {
          superuser: { username: "postgres", password: creds.superuser },
          replication: { username: "replicator", password: creds.replicator },
        },
        parameters: { unix_socket_directories: nodeDir, max_connections: 40, shared_buffers: "16MB", logging_collector: "off" },
        pg_hba: [
          "local all all trust",
          "local replication all trust",
          "host replication replicator 127.0.0.1/32 scram-sha-256",
          "host all all 127.0.0.1/32 scram-sha-256",
        ],
      },
      watchdog: { mode: "off" },
      tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
    };
    writeFileSync(path.join(nodeDir, "patroni.yml"), JSON.stringify(config, null, 2));
  }
  const servers = nodes.map((n) => `  server ${n.name} 127.0.0.1:${n.pgPort} check port ${n.restPort}`);
  writeFileSync(
    path.join(dir, "haproxy.cfg"),
    [
      "global",
      "  maxconn 200",
      "defaults",
      "  mode tcp",
      "  timeout connect 2s",
      "  timeout client 30m",
      "  timeout server 30m",
      "  timeout check 1s",
      "listen stats",
      "  mode http",
      `  bind 127.0.0.1:${ports.stats}`,
      "  stats enable",
      "  stats uri /stats",
      "listen primary",
      `  bind 127.0.0.1:${ports.haproxy}`,
      "  option httpchk GET /primary",
      "  http-check expect status 200",
      // fall 2 caused 4 s outliers here; shutdown-sessions cuts clients off a demoted primary at once.
      "  default-server inter 500ms fall 1 rise 1 on-marked-down shutdown-sessions",
      ...servers,
      "",
    ].join("\n"),
  );
}

function etcdArgs(dir: string, ports: { etcdClient: number; etcdPeer: number }): string[] {
  const client = `http://127.0.0.1:${ports.etcdClient}`;
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  return [
    BINARIES.etcd,
    "--name=lab",
    `--data-dir=${path.join(dir, "etcd")}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=lab=${peer}`,
    "--initial-cluster-state=new",
    "--initial-cluster-token=bulwark-lab",
  ];
}

// ---- HTTP ----------------------------------------------------------------------

async function status(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1500) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> | undefined } | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1500) });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

/**
 * HAProxy's stats CSV for the `primary` proxy: server name → status. With
 * `checkedOnly`, a server not checked yet (check_status INI or empty) makes
 * the call fail, because its UP is only HAProxy's starting assumption.
 */
async function haproxyStatus(statsPort: number, checkedOnly = false): Promise<Record<string, string>> {
  const res = await fetch(`http://127.0.0.1:${statsPort}/stats;csv`, { signal: AbortSignal.timeout(1500) });
  const lines = (await res.text()).split("\n").filter(Boolean);
  const header = (lines[0] ?? "").replace(/^# /, "").split(",");
  const col = (name: string) => header.indexOf(name);
  const out: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    if (f[col("pxname")] !== "primary" || ["FRONTEND", "BACKEND"].includes(f[col("svname")] ?? "")) continue;
    const check = f[col("check_status")] ?? "";
    if (checkedOnly && (check === "" || check.startsWith("INI"))) throw new Error("not checked yet");
    out[f[col("svname")] ?? "?"] = (f[col("status")] ?? "").split(" ")[0] ?? "";
  }
  return out;
}
