import { sleep } from "@/server/core/sleep";
import { NeedsAttention, NothingChanged, type ClusterObservation, type MemberObservation, type StepContext } from "@/server/failover/types";
import type { AgentClient } from "./agent-client";
import { formatLsn, parseLsn } from "@/server/failover/lsn";
import type { MemberConnections } from "./member-sql";

export type StepOptions = {
  /** how long the candidate may take to replay the fenced primary's last WAL */
  catchUpTimeoutMs?: number;
  /** SQL fence: how long the reload, the ended sessions and the WAL flush may each take before it un-fences */
  fenceTimeoutMs?: number;
  promoteTimeoutMs?: number;
  /** how long a restarted old primary may take to stream before it is re-cloned */
  rejoinTimeoutMs?: number;
  recloneTimeoutMs?: number;
};

export type Deps = {
  conns: MemberConnections;
  agent: AgentClient | null;
  opts: Required<StepOptions>;
  observe: (signal?: AbortSignal) => Promise<ClusterObservation>;
};

export const defaultStepOptions: Required<StepOptions> = { catchUpTimeoutMs: 10_000, fenceTimeoutMs: 5_000, promoteTimeoutMs: 60_000, rejoinTimeoutMs: 15_000, recloneTimeoutMs: 120_000 };

export { sleep };

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Every catch in a step starts with this. Once the run is stopped (worker
 * shutdown, lease lost) the step does nothing more — no compensating action
 * either (un-fence, kill, re-clone): the worker that resumes the operation
 * re-observes and decides, and an un-fence racing its promotion would make
 * two primaries.
 */
export function rethrowIfStopped(ctx: StepContext, err: unknown): void {
  if (ctx.signal.aborted) throw err;
}

const CONNECT_ERRORS = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED"]);

/** "unreachable" for a connection that could not be made, else the error itself */
export function reachText(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && CONNECT_ERRORS.has(code) ? "unreachable" : errorText(err);
}

export function memberOf(obs: ClusterObservation, name: string): MemberObservation {
  const m = obs.members.find((x) => x.name === name);
  if (!m) throw new Error(`${name} is not a member of this cluster`);
  return m;
}

export const names = (ms: MemberObservation[]): string => ms.map((m) => m.name).join(", ");

/** Runs one statement on a member, recording it as the operator's psql line first. */
export async function sqlOn<T extends object = Record<string, unknown>>(ctx: StepContext, d: Deps, member: string, statement: string): Promise<T[]> {
  ctx.command(d.conns.psql(member, statement));
  return d.conns.run(member, "admin", (sql) => sql.unsafe<T[]>(statement));
}

/**
 * Polls `check` every `everyMs` until it returns a value or the deadline
 * passes (null). Errors count as "not yet", except NeedsAttention /
 * NothingChanged thrown on purpose; a stopped run throws.
 */
export async function pollUntil<T>(ctx: StepContext, everyMs: number, timeoutMs: number, check: () => Promise<T | null>): Promise<T | null> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      const v = await check();
      if (v !== null) return v;
    } catch (err) {
      if (err instanceof NeedsAttention || err instanceof NothingChanged) throw err;
      rethrowIfStopped(ctx, err);
      // a member restarting or a connection dropped: the next poll retries
    }
    if (performance.now() >= deadline) return null;
    await sleep(everyMs, ctx.signal);
  }
}

// ---- fence ------------------------------------------------------------------

/**
 * SQL-only fence, in this order:
 * 1. ALTER SYSTEM default_transaction_read_only = on + reload, until our own
 *    session sees it (the postmaster reloads before it signals its children,
 *    so from then on every new session starts read-only);
 * 2. end every other client session, then wait until none that started before
 *    the terminate is left: a backend still exiting can still commit, and a
 *    session opened before the reload may be inside a read-write transaction.
 *    Sessions opened afterwards are read-only by default and are left alone
 *    (the observer and write probes reconnect all the time); walsenders are
 *    not client backends and keep streaming;
 * 3. the fence LSN is pg_current_wal_insert_lsn() — an async commit's record
 *    can be past the write position — once the WAL is flushed up to it
 *    (walsenders only ship flushed WAL).
 * `onFailure` "unfence": anything short of that resets the setting and throws
 * NothingChanged (NeedsAttention when the reset fails too); "leave": the error
 * is thrown as is and whatever was done stays (failover: better half-fenced).
 */
export async function sqlFence(ctx: StepContext, d: Deps, member: string, onFailure: "unfence" | "leave"): Promise<string> {
  try {
    await sqlOn(ctx, d, member, "ALTER SYSTEM SET default_transaction_read_only = on");
  } catch (err) {
    rethrowIfStopped(ctx, err);
    if (onFailure === "leave") throw err;
    throw new NothingChanged(`could not fence ${member}: ${errorText(err)}`);
  }
  try {
    return await fenceRest(ctx, d, member);
  } catch (err) {
    rethrowIfStopped(ctx, err);
    if (onFailure === "leave") throw err;
    const why = `fencing ${member} failed: ${errorText(err)}`;
    ctx.log(`${why}; un-fencing it`);
    try {
      await sqlUnfence(ctx, d, member);
    } catch (err2) {
      rethrowIfStopped(ctx, err2);
      throw new NeedsAttention(`${why}; un-fencing it failed too (${errorText(err2)}): ${member} may be left read-only, nothing was promoted`);
    }
    throw new NothingChanged(`${why}; ${member} accepts writes again, nothing promoted`);
  }
}

async function fenceRest(ctx: StepContext, d: Deps, member: string): Promise<string> {
  const wait = d.opts.fenceTimeoutMs;
  const secs = `${wait / 1000} s`;
  await sqlOn(ctx, d, member, "SELECT pg_reload_conf()");
  const seen = await pollUntil(ctx, 5, wait, async () => {
    const [r] = await d.conns.run(member, "admin", (sql) => sql<{ v: string }[]>`select current_setting('default_transaction_read_only') as v`);
    return r?.v === "on" ? true : null;
  });
  if (!seen) throw new Error(`the reload had not reached our session after ${secs}`);
  const [at] = await d.conns.run(member, "admin", (sql) => sql<{ t: string }[]>`select clock_timestamp()::text as t`);
  if (!at) throw new Error("no clock_timestamp()");
  const [t] = await sqlOn<{ n: number }>(
    ctx, d, member,
    "SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()) t",
  );
  ctx.command(`${d.conns.psql(member, `SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND backend_start <= '${at.t}'`)}   # until 0`);
  let left = -1;
  const gone = await pollUntil(ctx, 10, wait, async () => {
    const [r] = await d.conns.run(member, "admin", (sql) => sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity
      where backend_type = 'client backend' and pid <> pg_backend_pid() and backend_start <= ${at.t}::timestamptz`);
    left = r?.n ?? -1;
    return left === 0 ? true : null;
  });
  if (!gone) throw new Error(`${left < 0 ? "?" : left} client session(s) older than the fence still there ${secs} after pg_terminate_backend()`);
  ctx.log(`${member}: read-only by default now; ended ${t?.n ?? 0} client session(s), none of the earlier ones is left`);
  const [l] = await sqlOn<{ lsn: string }>(ctx, d, member, "SELECT pg_current_wal_insert_lsn()::text AS lsn");
  if (!l) throw new Error("no WAL position");
  const flushed = await pollUntil(ctx, 5, wait, async () => {
    const [r] = await d.conns.run(member, "admin", (sql) => sql<{ ok: boolean }[]>`select pg_current_wal_flush_lsn() >= ${l.lsn}::pg_lsn as ok`);
    return r?.ok ? true : null;
  });
  if (!flushed) throw new Error(`WAL not flushed up to ${l.lsn} after ${secs}`);
  return l.lsn;
}

export async function sqlUnfence(ctx: StepContext, d: Deps, member: string): Promise<void> {
  await sqlOn(ctx, d, member, "ALTER SYSTEM RESET default_transaction_read_only");
  await sqlOn(ctx, d, member, "SELECT pg_reload_conf()");
}

/** After a promotion: a member that was once SQL-fenced keeps read-only in postgresql.auto.conf; a primary must not. */
export async function ensureWritable(ctx: StepContext, d: Deps, member: string): Promise<void> {
  const read = async () => {
    const [r] = await d.conns.run(member, "admin", (sql) => sql<{ ro: string; rec: boolean }[]>`select current_setting('default_transaction_read_only') as ro, pg_is_in_recovery() as rec`);
    return r;
  };
  const r = await read();
  if (!r || r.rec) throw new Error(`${member} is still in recovery`);
  if (r.ro !== "on") return;
  ctx.log(`${member} defaults to read-only (an earlier SQL fence): resetting it`);
  await sqlUnfence(ctx, d, member);
  const ok = await pollUntil(ctx, 5, 2_000, async () => ((await read())?.ro === "off" ? true : null));
  if (!ok) throw new Error(`${member} is still read-only after ALTER SYSTEM RESET default_transaction_read_only`);
}

// ---- promote ----------------------------------------------------------------

const outOfRecovery = async (d: Deps, member: string): Promise<boolean> => {
  const [r] = await d.conns.run(member, "admin", (sql) => sql<{ rec: boolean }[]>`select pg_is_in_recovery() as rec`);
  return r?.rec === false;
};

/**
 * Promotes the candidate exactly once. Re-observes first, every time: never
 * while another member accepts writes, and not again when it already left
 * recovery. `promoteRequestedAt` is persisted before pg_promote() so a run
 * that dies right after asking knows it asked.
 */
export async function promoteCandidate(ctx: StepContext, d: Deps): Promise<string> {
  const cand = ctx.op.candidate;
  const obs = await d.observe(ctx.signal);
  const others = obs.members.filter((m) => m.name !== cand && m.writable);
  if (others.length) {
    throw new NeedsAttention(`${names(others)} accepts writes again; not promoting ${cand}, which would make two primaries. Check who restarted it, then fence it or resolve this operation.`);
  }
  const c = memberOf(obs, cand);
  if (c.role === "down") throw new Error(`candidate ${cand} is unreachable: ${c.message ?? "no answer"}`);
  const already = async (how: string) => {
    ctx.log(`${cand} is already out of recovery (${how}); not promoting again`);
    await ensureWritable(ctx, d, cand);
    if (!ctx.state.promotedAt) await ctx.setState({ promotedAt: new Date().toISOString() });
    const after = memberOf(await d.observe(ctx.signal), cand);
    return `${cand} was already promoted (timeline ${after.timeline ?? "?"})`;
  };
  if (c.role === "primary") return already(ctx.state.promoteRequestedAt ? `promotion requested at ${ctx.state.promoteRequestedAt}` : "promoted outside this operation");
  if (ctx.state.promoteRequestedAt) {
    // An earlier run asked; a promotion in progress finishes on its own, asking twice is not needed.
    ctx.log(`promotion of ${cand} was requested at ${ctx.state.promoteRequestedAt}; waiting for it before asking again`);
    if (await pollUntil(ctx, 10, 3_000, async () => ((await outOfRecovery(d, cand)) ? true : null))) return already("an earlier request finished");
  }
  const receive = typeof c.details.receiveLsn === "string" ? parseLsn(c.details.receiveLsn) : null;
  const replay = c.positionBytes;
  const at = receive !== null && replay !== null ? (receive > replay ? receive : replay) : (receive ?? replay);
  const patch: Record<string, unknown> = { promoteRequestedAt: new Date().toISOString() };
  if (at !== null) patch.candidatePositionAtPromote = formatLsn(at);
  if (at !== null && ctx.state.oldPrimaryPosition) patch.lsnGapBytes = Math.max(0, Number(parseLsn(ctx.state.oldPrimaryPosition) - at));
  await ctx.setState(patch);
  const t0 = performance.now();
  await sqlOn(ctx, d, cand, "SELECT pg_promote(wait => false)");
  ctx.log(`asked ${cand} to promote at ${c.position ?? "?"} (received ${typeof c.details.receiveLsn === "string" ? c.details.receiveLsn : "?"}); polling pg_is_in_recovery() every 10 ms`);
  const done = await pollUntil(ctx, 10, d.opts.promoteTimeoutMs, async () => ((await outOfRecovery(d, cand)) ? true : null));
  if (!done) throw new Error(`${cand} was still in recovery ${Math.round(d.opts.promoteTimeoutMs / 1000)} s after pg_promote()`);
  const ms = Math.round(performance.now() - t0);
  await ctx.setState({ promotedAt: new Date().toISOString() });
  await ensureWritable(ctx, d, cand);
  ctx.log(`${cand} left recovery ${ms} ms after pg_promote()`);
  return `${cand} promoted in ${ms} ms`;
}

/** The new primary must be the one writable member before anything is parked or declared done. */
export async function verifySoleWritable(ctx: StepContext, d: Deps, member: string): Promise<ClusterObservation> {
  const obs = await d.observe(ctx.signal);
  const writable = obs.members.filter((m) => m.writable);
  if (writable.length !== 1 || writable[0]?.name !== member) {
    throw new Error(`expected ${member} to be the one writable member; writable: ${writable.length ? names(writable) : "none"}`);
  }
  return obs;
}
