import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import postgres from "postgres";
import type { AgentMember } from "../../failover/agent-protocol";
import { ensurePostgresOsUser, ensureTraversable, initdb, isRoot, platformPackage, stopLeftover } from "../../supervisor/embedded-pg";
import { pickPort } from "../../supervisor/free-port";
import { AgentRefusal, startAgent, type AgentBackend } from "./agent";
import { cloneFrom, hasData } from "./clone";
import { sleep } from "../../core/sleep";
import { markStandby, Member, pointAt, type MemberName, type PairLog } from "./member";
import { startRouter } from "./router";

/**
 * A primary + streaming standby of embedded PostgreSQL (the standby cloned
 * from the primary with pg_backup_start/stop + copy), a TCP router that always
 * forwards to the one writable member, and the host agent
 * (server/failover/agent-protocol.ts) that can stop / start / reclone / kill
 * members. Used by the lab process, the tests and bench:switchover.
 */
export type PgPairOptions = {
  /** data lives in <dir>/a and <dir>/b; reused on a restart */
  dir: string;
  /** preferred ports (0 or absent: any free port) */
  ports?: { a?: number; b?: number; router?: number; agent?: number };
  /** agent bearer token */
  agentToken: string;
  /**
   * superuser password used when the pair is created; afterwards the one kept in
   * <dir>/pair.json wins (the data directories already have it)
   */
  password?: string;
  /** extra postgres -c flags (tests use fsync=off) */
  extraFlags?: string[];
  log?: PairLog;
  /** ends the wait for streaming early (the lab stopping while the pair starts) */
  signal?: AbortSignal;
};

export type PgPair = {
  members: { name: "a" | "b"; host: "127.0.0.1"; port: number }[];
  /** superuser credentials shared by both members */
  user: string;
  password: string;
  routerPort: number;
  agentUrl: string;
  /** postgres://… through the router (database "postgres") */
  routerUrl: string;
  /** a member's own URL */
  memberUrl: (name: "a" | "b", db?: string) => string;
  /** which member the router currently forwards to (null while it holds connections) */
  routedTo: () => "a" | "b" | null;
  /** the agent's view of the members (process running, standby.signal present) */
  memberStates: () => AgentMember[];
  stop: () => Promise<void>;
};

const NAMES: MemberName[] = ["a", "b"];
const other = (n: MemberName): MemberName => (n === "a" ? "b" : "a");
const quiet: PairLog = { info: () => undefined, warn: () => undefined };

export async function startPgPair(opts: PgPairOptions): Promise<PgPair> {
  const log = opts.log ?? quiet;
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const password = pairPassword(opts.dir, opts.password, log);
  const dataDir = (n: MemberName) => path.join(opts.dir, n);
  if (isRoot()) {
    ensurePostgresOsUser();
    ensureTraversable(dataDir("a"), log);
    ensureTraversable(createRequire(import.meta.url).resolve(platformPackage), log);
  }
  for (const n of NAMES) stopLeftover(dataDir(n), log);

  const taken = new Set<number>();
  const pick = async (preferred?: number) => {
    let p = await pickPort(preferred && !taken.has(preferred) ? preferred : undefined);
    while (taken.has(p)) p = await pickPort();
    taken.add(p);
    return p;
  };
  const ports = { a: await pick(opts.ports?.a), b: await pick(opts.ports?.b), router: await pick(opts.ports?.router), agent: await pick(opts.ports?.agent) };
  const members: Record<MemberName, Member> = {
    a: new Member("a", dataDir("a"), ports.a, password, opts.extraFlags ?? []),
    b: new Member("b", dataDir("b"), ports.b, password, opts.extraFlags ?? []),
  };

  const startedAt = Date.now();
  const created = !hasData(dataDir("a")) && !hasData(dataDir("b"));
  try {
    await bringUp(members, password, log);
  } catch (err) {
    await Promise.all(NAMES.map((n) => members[n].stop("fast").catch(() => undefined)));
    throw err;
  }

  const locks = new Map<MemberName, Promise<unknown>>();
  const serial = <T>(n: MemberName, fn: () => Promise<T>): Promise<T> => {
    const next = (locks.get(n) ?? Promise.resolve()).catch(() => undefined).then(fn);
    locks.set(n, next);
    return next;
  };
  const memberStates = (): AgentMember[] =>
    NAMES.map((n) => ({ name: n, port: members[n].port, running: members[n].running, pid: members[n].pid, standby: members[n].isStandby }));
  const known = (name: string, role: string): MemberName => {
    if (name !== "a" && name !== "b") throw new AgentRefusal(404, `unknown ${role} "${name}": the lab pair has members a and b`);
    return name;
  };
  const backend: AgentBackend = {
    members: memberStates,
    stop: (name, mode) => serial(known(name, "member"), () => members[known(name, "member")].stop(mode)),
    kill: (name) => serial(known(name, "member"), () => members[known(name, "member")].kill()),
    start: (name, primary) => {
      const n = known(name, "member");
      return serial(n, async () => {
        const m = members[n];
        if (primary !== undefined) {
          const p = known(primary, "primary");
          if (p === n) throw new AgentRefusal(400, `member ${n} cannot be its own primary`);
          if (m.running) {
            if (m.isStandby && conninfoOf(m.dataDir) === members[p].conninfoFor(n)) return;
            throw new AgentRefusal(409, `member ${n} is running: stop it before restarting it as a standby of ${p}`);
          }
          markStandby(m.dataDir);
          pointAt(m.dataDir, members[p].conninfoFor(n));
        }
        await m.start();
      });
    },
    reclone: (name, primary) => {
      const n = known(name, "member");
      const p = known(primary, "primary");
      if (p === n) return Promise.reject(new AgentRefusal(400, `member ${n} cannot be cloned from itself`));
      return serial(n, async () => {
        if (!members[p].running) throw new AgentRefusal(409, `cannot clone from ${p}: it is not running`);
        await members[n].stop("fast");
        await cloneFrom(members[p], members[n].dataDir, n);
        await members[n].start();
      });
    },
  };

  const router = await startRouter({
    port: ports.router,
    members: NAMES.map((n) => ({ name: n, port: members[n].port, url: members[n].url() })),
    log,
  }).catch(async (err: unknown) => {
    await Promise.all(NAMES.map((n) => members[n].stop("fast")));
    throw err;
  });
  const agent = await startAgent({ port: ports.agent, token: opts.agentToken, backend, log }).catch(async (err: unknown) => {
    await router.stop();
    await Promise.all(NAMES.map((n) => members[n].stop("fast")));
    throw err;
  });

  const pair: PgPair = {
    members: NAMES.map((n) => ({ name: n, host: "127.0.0.1" as const, port: members[n].port })),
    user: "postgres",
    password,
    routerPort: router.port,
    agentUrl: agent.url,
    routerUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${router.port}/postgres`,
    memberUrl: (n, db) => members[n].url(db),
    routedTo: router.routedTo,
    memberStates,
    async stop() {
      await agent.stop();
      await router.stop();
      // the primary first: its shutdown checkpoint reaches the standby, so both restart consistent
      const order = NAMES.slice().sort((x, y) => Number(members[x].isStandby) - Number(members[y].isStandby));
      for (const n of order) await serial(n, () => members[n].stop("fast"));
    },
  };

  const ready = await waitReady(pair, members, 60_000, opts.signal);
  log.info({ ms: Date.now() - startedAt, created, primary: pair.routedTo(), ports, ready }, "lab PostgreSQL pair up");
  if (!ready && created && !opts.signal?.aborted) {
    await pair.stop();
    throw new Error(`lab PostgreSQL pair not streaming within 60 s: a: ${members.a.logTail(3)} b: ${members.b.logTail(3)}`);
  }
  if (!ready && !opts.signal?.aborted) log.warn({ routedTo: pair.routedTo() }, "lab PostgreSQL pair started without a streaming standby and one primary");
  return pair;
}

/** First start: initdb a, clone b. Later: both as they are, the primary first, the standby re-pointed at its current port. */
async function bringUp(members: Record<MemberName, Member>, password: string, log: PairLog): Promise<void> {
  const missing = NAMES.filter((n) => !hasData(members[n].dataDir));
  if (missing.length === 2) {
    log.info({ dir: path.dirname(members.a.dataDir) }, "creating the lab PostgreSQL pair");
    await initdb(members.a.dataDir, password);
    missing.splice(0, 1);
  }
  if (missing.length === 1) {
    const source = other(missing[0]!);
    await members[source].start();
    log.info({ from: source, to: missing[0] }, "cloning a lab standby");
    await cloneFrom(members[source], members[missing[0]!].dataDir, missing[0]!);
    await members[missing[0]!].start();
    return;
  }
  let primaries = NAMES.filter((n) => !members[n].isStandby);
  if (primaries.length === 2) {
    // after an unplanned failover the lab stopped before the old primary rejoined: the newer timeline wins
    const [newer, older] = highestTimeline(members.a.dataDir) >= highestTimeline(members.b.dataDir) ? (["a", "b"] as const) : (["b", "a"] as const);
    log.warn({ primary: newer, demoted: older }, "both lab members were primaries: starting the one on the older timeline as a standby");
    markStandby(members[older].dataDir);
    primaries = [newer];
  }
  if (primaries.length === 1) {
    const p = primaries[0]!;
    const s = other(p);
    pointAt(members[s].dataDir, members[p].conninfoFor(s));
    await members[p].start();
    await members[s].start();
    // A standby that cannot follow (a crashed primary with WAL the new timeline never saw)
    // would leave the lab without a standby: copy it afresh, as an operator would.
    if (!(await waitStreaming(members[s], 15_000))) {
      log.warn({ standby: s, primary: p, log: members[s].logTail(3) }, "lab standby does not stream from its primary: re-cloning it");
      await members[s].stop("fast");
      await cloneFrom(members[p], members[s].dataDir, s);
      await members[s].start();
    }
  } else {
    log.warn({}, "both lab members are standbys: starting them as they are (the router holds connections until one is promoted)");
    await Promise.all(NAMES.map((n) => members[n].start()));
  }
}

async function waitReady(pair: PgPair, members: Record<MemberName, Member>, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    const primary = pair.routedTo();
    if (primary && (await streaming(members[other(primary)]))) return true;
    await sleep(100);
  }
  return false;
}

async function waitStreaming(m: Member, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await streaming(m)) return true;
    await sleep(100);
  }
  return false;
}

async function streaming(m: Member): Promise<boolean> {
  const sql = postgres(m.url(), { max: 1, connect_timeout: 2, onnotice: () => undefined });
  try {
    const rows = await sql<{ status: string }[]>`select status from pg_stat_wal_receiver`;
    return rows[0]?.status === "streaming";
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

function conninfoOf(dataDir: string): string | null {
  const file = path.join(dataDir, "postgresql.auto.conf");
  if (!existsSync(file)) return null;
  const m = /^\s*primary_conninfo\s*=\s*'((?:[^']|'')*)'/m.exec(readFileSync(file, "utf8"));
  return m ? m[1]!.replace(/''/g, "'") : null;
}

/** The newest timeline a data directory knows, from the history files a promotion writes. */
function highestTimeline(dataDir: string): number {
  let max = 1;
  for (const f of readdirSync(path.join(dataDir, "pg_wal"))) {
    const m = /^([0-9A-F]{8})\.history$/.exec(f);
    if (m) max = Math.max(max, parseInt(m[1]!, 16));
  }
  return max;
}

/** The superuser password, created once and kept in <dir>/pair.json (0600). */
function pairPassword(dir: string, wanted: string | undefined, log: PairLog): string {
  const file = path.join(dir, "pair.json");
  if (existsSync(file)) {
    const saved = (JSON.parse(readFileSync(file, "utf8")) as { password?: string }).password;
    if (saved) {
      if (wanted && wanted !== saved) log.warn({ file }, "the lab pair keeps the password it was created with");
      return saved;
    }
  }
  const password = wanted ?? randomBytes(18).toString("base64url");
  writeFileSync(file, JSON.stringify({ password }), { mode: 0o600 });
  return password;
}
