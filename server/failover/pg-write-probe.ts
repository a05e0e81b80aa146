import postgres, { type Sql } from "postgres";
import type { WriteProbe, WriteProbeReport } from "./types";
import { sleep } from "../core/sleep";

/**
 * Writes sequential ids through the cluster's client path (a router, HAProxy,
 * or a multi-host URL with target_session_attrs=read-write, which postgres.js
 * honours) while an operation runs, and reports what a client saw:
 *
 * - acked: the INSERT returned. An id whose INSERT failed may or may not be
 *   stored; it is never counted as lost.
 * - unavailableMs: the longest stretch without an acknowledged write, counted
 *   from start() to the first ack and from the last ack to stop() too, so a
 *   cluster that never came back is not reported as available.
 * - lostAcked: acked ids missing when read back from the primary at the end.
 *
 * One connection, one write at a time. On any error the connection is dropped
 * and a new one made after 5–20 ms, so reconnection is not slowed by
 * postgres.js's own exponential backoff and a wedged socket never lingers.
 *
 * Multi-host URLs with target_session_attrs=read-write (or primary) are
 * resolved here, host by host like libpq, instead of by postgres.js 3.4: it
 * decides read-write from the reported default_transaction_read_only alone,
 * which is "off" on a PostgreSQL 14+ hot standby, so it settles on a standby.
 */
export type PgWriteProbeOptions = { pauseMs?: number; readBackTimeoutMs?: number };

const TABLE = `create table if not exists bulwark_write_probe (
  op uuid not null,
  id bigint not null,
  at timestamptz not null default clock_timestamp(),
  primary key (op, id)
)`;

/** failover/switchover noise a client is expected to ride through */
const RETRYABLE = /^(25006|57P01|57P02|57P03|08...|40001|ECONNRESET|ECONNREFUSED|CONNECT_TIMEOUT|CONNECTION_CLOSED|CONNECTION_ENDED|CONNECTION_DESTROYED|EPIPE|WRITE_TIMEOUT|NO_WRITABLE_HOST)$/;
export const isRetryableCode = (code: string): boolean => RETRYABLE.test(code);

const codeOf = (err: unknown): string => {
  const c = (err as { code?: unknown }).code;
  return typeof c === "string" && c ? c : err instanceof Error ? err.name : "unknown";
};

const WRITE_TIMEOUT_MS = 5_000;

/** The URL split into one URL per host, and whether a writable server must be chosen among them. */
export function writeTargets(url: string): { urls: string[]; readWrite: boolean } {
  const start = url.indexOf("://") + 3;
  const rest = url.slice(start);
  const hostEnd = rest.search(/[/?]/);
  const authority = hostEnd < 0 ? rest : rest.slice(0, hostEnd);
  const at = authority.lastIndexOf("@");
  const userinfo = at < 0 ? "" : authority.slice(0, at + 1);
  const hosts = (at < 0 ? authority : authority.slice(at + 1)).split(",");
  const tail = hostEnd < 0 ? "" : rest.slice(hostEnd);
  const q = tail.indexOf("?");
  const params = new URLSearchParams(q < 0 ? "" : tail.slice(q + 1));
  const tsa = params.get("target_session_attrs");
  params.delete("target_session_attrs");
  const query = params.toString();
  const base = (q < 0 ? tail : tail.slice(0, q)) + (query ? `?${query}` : "");
  return {
    urls: hosts.map((h) => `${url.slice(0, start)}${userinfo}${h}${base}`),
    readWrite: tsa === "read-write" || tsa === "primary",
  };
}

/** A connection to the first host that accepts writes (or simply the host, when no choice was asked for). */
async function open(url: string): Promise<Sql> {
  const { urls, readWrite } = writeTargets(url);
  if (urls.length === 1 && !readWrite) return connect(urls[0]!);
  let last: unknown = null;
  for (const u of urls) {
    const s = connect(u);
    try {
      const [r] = await s<{ w: boolean }[]>`select not pg_is_in_recovery() and current_setting('transaction_read_only') = 'off' as w`;
      if (r?.w) return s;
    } catch (err) {
      last = err;
    }
    void s.end({ timeout: 0 }).catch(() => undefined);
  }
  throw Object.assign(new Error(`no writable server among ${urls.length} host(s)${last instanceof Error ? `: ${last.message}` : ""}`), { code: "NO_WRITABLE_HOST" });
}

function connect(url: string): Sql {
  return postgres(url, {
    max: 1,
    connect_timeout: 1,
    idle_timeout: 0,
    max_lifetime: 0,
    prepare: false,
    fetch_types: false,
    onnotice: () => undefined,
    connection: { application_name: "bulwark-write-probe", statement_timeout: WRITE_TIMEOUT_MS },
  });
}

const jitter = () => 5 + Math.random() * 15;

export function pgWriteProbe(url: string, operationId: string, options: PgWriteProbeOptions = {}): WriteProbe {
  const pauseMs = options.pauseMs ?? 5;
  const readBackTimeoutMs = options.readBackTimeoutMs ?? 10_000;
  const acked: number[] = [];
  const errors: Record<string, number> = {};
  let attempted = 0;
  let stopping = false;
  let loop: Promise<void> | null = null;
  let sql: Sql | null = null;
  let tableReady = false;
  let lastAck = 0; // performance.now() of the last ack (or of start())
  let lastAckWall = new Date();
  let gap = { ms: 0, start: null as Date | null, end: null as Date | null };

  const drop = () => {
    const s = sql;
    sql = null;
    void s?.end({ timeout: 0 }).catch(() => undefined);
  };

  /** one write with a client-side deadline: a half-open socket must not stall the probe */
  const write = async (s: Sql, id: number): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error("write timed out"), { code: "WRITE_TIMEOUT" })), WRITE_TIMEOUT_MS + 1_000);
    });
    try {
      if (!tableReady) {
        await Promise.race([s.unsafe(TABLE).catch(ignoreRace), deadline]);
        tableReady = true;
      }
      await Promise.race([s`insert into bulwark_write_probe (op, id) values (${operationId}, ${id})`, deadline]);
    } finally {
      clearTimeout(timer);
    }
  };

  const record = () => {
    const now = performance.now();
    const wall = new Date();
    if (now - lastAck > gap.ms) gap = { ms: now - lastAck, start: lastAckWall, end: wall };
    lastAck = now;
    lastAckWall = wall;
  };

  const run = async () => {
    let id = 0;
    while (!stopping) {
      id++;
      attempted++;
      try {
        sql ??= await open(url);
        await write(sql, id);
        acked.push(id);
        record();
        if (pauseMs > 0) await sleep(pauseMs);
      } catch (err) {
        const code = codeOf(err);
        errors[code] = (errors[code] ?? 0) + 1;
        drop();
        // Anything else (a missing grant, a wrong password) will not fix itself in milliseconds: don't hammer.
        await sleep(isRetryableCode(code) ? jitter() : 100);
      }
    }
  };

  return {
    async start() {
      if (loop) throw new Error("the write probe is already running");
      lastAck = performance.now();
      lastAckWall = new Date();
      loop = run();
    },

    async stop(): Promise<WriteProbeReport> {
      stopping = true;
      await loop;
      drop();
      const endNow = performance.now();
      if (endNow - lastAck > gap.ms) gap = { ms: endNow - lastAck, start: lastAckWall, end: null };
      const stored = await readBack(url, operationId, readBackTimeoutMs);
      const lostAcked = acked.filter((id) => !stored.has(id)).length;
      return {
        attempted,
        acked: acked.length,
        lostAcked,
        unavailableMs: Math.round(gap.ms),
        gapStartedAt: gap.start,
        gapEndedAt: gap.end,
        errors,
      };
    },
  };
}

/** Two probes creating the table at once race on the catalog; the loser's table exists all the same. */
function ignoreRace(err: unknown): void {
  const code = codeOf(err);
  if (code === "23505" || code === "42P07") return;
  throw err;
}

/** Reads the op's ids back from a primary (retrying while the cluster settles), then deletes them. */
async function readBack(url: string, operationId: string, timeoutMs: number): Promise<Set<number>> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown = null;
  while (performance.now() < deadline) {
    let s: Sql | null = null;
    try {
      s = await open(url);
      const [r] = await s<{ rec: boolean }[]>`select pg_is_in_recovery() as rec`;
      if (r?.rec) throw new Error("the write path leads to a standby");
      const rows = await s<{ id: string }[]>`select id::text as id from bulwark_write_probe where op = ${operationId}`;
      await s`delete from bulwark_write_probe where op = ${operationId}`;
      return new Set(rows.map((x) => Number(x.id)));
    } catch (err) {
      lastError = err;
      if (codeOf(err) === "42P01") return new Set(); // never written: nothing to read
      await sleep(100);
    } finally {
      void s?.end({ timeout: 0 }).catch(() => undefined);
    }
  }
  throw new Error(`could not read the write probe's rows back within ${Math.round(timeoutMs / 1000)} s: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}
