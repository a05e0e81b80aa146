import type { Sql, TransactionSql } from "postgres";
import type { ProbeResult } from "../probe-types";
import type { HealthState } from "../schemas";
import { degradationEvent, type Outcome } from "../state-machine";
import { emitEvents } from "../../events/emit-event";
import { type RollupRow, rollupColumns } from "./rollups";

/**
 * One check, as the batch writer receives it: what was observed and what the
 * state machine made of it.
 */
export type CheckRecord = {
  componentId: string;
  serviceId: string;
  shard: number;
  /** actual start (epoch ms) */
  at: number;
  /** scheduled start; null for results nobody scheduled (push beats) */
  scheduledAt: number | null;
  /** when the result was known: a transition's time */
  doneAt: number;
  result: ProbeResult;
  /** the state component_status holds before this check: the compare-and-set guard */
  prevState: HealthState;
  outcome: Outcome;
  /** write a probe_results row (and fold into the rollups) */
  raw: boolean;
  /** false: keep last_checked_at (a push component's last beat) */
  touchLastChecked: boolean;
  maintenance: boolean;
};

type StatusRow = {
  prev: HealthState;
  state: HealthState;
  since: number;
  checked: number | null;
  ok: boolean | null;
  latency: number | null;
  message: string | null;
  details: string | null;
  failures: number;
  successes: number;
};
type TransitionRow = { componentId: string; at: number; from: HealthState; to: HealthState; cause: string; message: string | null };
type EventRow = { componentId: string; type: string; payload: string };

/** Everything one transaction writes. Results are kept as columns: no object per check. */
export class Batch {
  readonly ids: string[] = [];
  readonly ats: number[] = [];
  readonly oks: boolean[] = [];
  readonly latencies: (number | null)[] = [];
  readonly messages: (string | null)[] = [];
  readonly scheduled: (number | null)[] = [];
  /** latest status per component; `prev` stays the state before this batch's first change */
  readonly statuses = new Map<string, StatusRow>();
  readonly shards = new Map<string, number>();
  readonly transitions: TransitionRow[] = [];
  readonly events: EventRow[] = [];
  rollups: RollupRow[] = [];

  get results(): number {
    return this.ids.length;
  }

  get empty(): boolean {
    return this.ids.length === 0 && this.statuses.size === 0 && this.rollups.length === 0;
  }

  add(rec: CheckRecord): void {
    const { result, outcome } = rec;
    if (rec.raw) {
      this.ids.push(rec.componentId);
      this.ats.push(rec.at);
      this.oks.push(result.ok);
      this.latencies.push(result.latencyMs);
      this.messages.push(result.message || null);
      this.scheduled.push(rec.scheduledAt);
    }
    const s = outcome.status;
    const before = this.statuses.get(rec.componentId);
    this.statuses.set(rec.componentId, {
      prev: before ? before.prev : rec.prevState,
      state: s.state,
      since: s.stateSince,
      checked: rec.touchLastChecked ? rec.at : (before?.checked ?? null),
      ok: s.lastOk,
      latency: result.latencyMs,
      message: s.lastMessage,
      details: result.details ? JSON.stringify(result.details) : null,
      failures: s.consecutiveFailures,
      successes: s.consecutiveSuccesses,
    });
    this.shards.set(rec.componentId, rec.shard);
    const t = outcome.transition;
    if (t) {
      this.transitions.push({ componentId: rec.componentId, at: rec.doneAt, from: t.from, to: t.to, cause: t.cause, message: t.message });
    }
    if (outcome.changed) {
      const payload = { componentId: rec.componentId, serviceId: rec.serviceId, state: s.state, ok: result.ok, latencyMs: result.latencyMs, message: s.lastMessage, at: new Date(rec.at).toISOString() };
      this.events.push({ componentId: rec.componentId, type: "health.signal", payload: JSON.stringify(payload) });
    }
    const kind = t ? degradationEvent(t) : null;
    if (t && kind) {
      const payload = { componentId: rec.componentId, serviceId: rec.serviceId, from: t.from, to: t.to, cause: t.cause, message: t.message, at: new Date(rec.doneAt).toISOString() };
      this.events.push({ componentId: rec.componentId, type: kind, payload: JSON.stringify(payload) });
    }
  }
}

/**
 * Array parameters travel as text[] and are cast in SQL: postgres.js infers a
 * JS boolean array as a scalar bool, and serialises by the element type the
 * server describes (jsonb[] would be JSON-encoded twice).
 */
const bools = (xs: (boolean | null)[]) => xs.map((x) => (x === null ? null : x ? "t" : "f"));

export type PersistOutcome = { written: Set<string>; rejected: string[] };

/**
 * Writes a batch inside `tx`, in this order:
 *  1. fence: the shards this worker still holds (`FOR SHARE`, so nobody claims
 *     one mid-transaction); status for other shards is not written. Skipped
 *     when `fenceWorker` is null (push beats from the web process).
 *  2. raw results: one multi-row insert (day partitions).
 *  3. component_status: one `unnest` upsert, compare-and-set on the state the
 *     prober last knew, so a concurrent pause/resume (which writes the status
 *     itself) is never overwritten by a check that was already in flight.
 *     Rejected ids are returned: the prober reloads them.
 *  4. health_transitions and outbox events, for the statuses written only.
 *     These are observations, not actor changes: no audit rows (the audit log
 *     records what people and system actors *did*; a component turning
 *     unhealthy is recorded in health_transitions with its cause).
 *  5. per-minute rollups, merged into existing rows.
 */
export async function persistBatch(tx: TransactionSql, batch: Batch, fenceWorker: string | null): Promise<PersistOutcome> {
  let fenced: Set<number> | null = null;
  if (fenceWorker !== null && batch.statuses.size > 0) {
    const rows = await tx<{ shard: number }[]>`
      select shard from probe_shard_leases where owner = ${fenceWorker} and lease_until > now() for share`;
    fenced = new Set(rows.map((r) => r.shard));
  }

  if (batch.results > 0) {
    await tx`
      insert into probe_results (component_id, at, ok, latency_ms, message, scheduled_at, worker_id)
      select id, to_timestamp(a / 1000.0), ok, lat, msg, to_timestamp(s / 1000.0), ${fenceWorker}
      from unnest(${batch.ids}::uuid[], ${batch.ats}::text[]::float8[], ${bools(batch.oks)}::text[]::bool[], ${batch.latencies}::text[]::float4[], ${batch.messages}::text[], ${batch.scheduled}::text[]::float8[])
        as u(id, a, ok, lat, msg, s)`;
  }

  const written = new Set<string>();
  const rejected: string[] = [];
  const ids: string[] = [];
  const rows: StatusRow[] = [];
  for (const [id, row] of batch.statuses) {
    if (fenced && !fenced.has(batch.shards.get(id) ?? -1)) continue;
    ids.push(id);
    rows.push(row);
  }
  if (rows.length > 0) {
    const out = await tx<{ id: string }[]>`
      with u as (
        select * from unnest(
          ${ids}::uuid[], ${rows.map((r) => r.prev)}::text[]::health_state[], ${rows.map((r) => r.state)}::text[]::health_state[],
          ${rows.map((r) => r.since)}::text[]::float8[], ${rows.map((r) => r.checked)}::text[]::float8[], ${bools(rows.map((r) => r.ok))}::text[]::bool[],
          ${rows.map((r) => r.latency)}::text[]::float4[], ${rows.map((r) => r.message)}::text[], ${rows.map((r) => r.details)}::text[]::jsonb[],
          ${rows.map((r) => r.failures)}::text[]::int[], ${rows.map((r) => r.successes)}::text[]::int[]
        ) as u(id, prev, state, since, checked, ok, lat, msg, details, fails, succs)
      ),
      upd as (
        update component_status s set
          state = u.state, state_since = to_timestamp(u.since / 1000.0),
          last_checked_at = coalesce(to_timestamp(u.checked / 1000.0), s.last_checked_at),
          last_ok = u.ok, last_latency_ms = u.lat, last_message = u.msg, last_details = u.details,
          consecutive_failures = u.fails, consecutive_successes = u.succs
        from u where s.component_id = u.id and s.state = u.prev
        returning s.component_id
      ),
      ins as (
        insert into component_status (component_id, state, state_since, last_checked_at, last_ok, last_latency_ms, last_message, last_details, consecutive_failures, consecutive_successes)
        select u.id, u.state, to_timestamp(u.since / 1000.0), to_timestamp(u.checked / 1000.0), u.ok, u.lat, u.msg, u.details, u.fails, u.succs
        from u
        where u.prev = 'unknown'
          and not exists (select 1 from component_status s where s.component_id = u.id)
          and exists (select 1 from components c where c.id = u.id)
        on conflict (component_id) do nothing
        returning component_id
      )
      select component_id as id from upd union all select component_id as id from ins`;
    for (const r of out) written.add(r.id);
    for (const id of ids) if (!written.has(id)) rejected.push(id);
  }

  const transitions = batch.transitions.filter((t) => written.has(t.componentId));
  if (transitions.length > 0) {
    await tx`
      insert into health_transitions (component_id, at, from_state, to_state, cause, message)
      select id, to_timestamp(a / 1000.0), f, t, c, m
      from unnest(${transitions.map((t) => t.componentId)}::uuid[], ${transitions.map((t) => t.at)}::text[]::float8[],
        ${transitions.map((t) => t.from)}::text[]::health_state[], ${transitions.map((t) => t.to)}::text[]::health_state[],
        ${transitions.map((t) => t.cause)}::text[], ${transitions.map((t) => t.message)}::text[]) as u(id, a, f, t, c, m)`;
  }

  const events = batch.events.filter((e) => written.has(e.componentId));
  if (events.length > 0) await emitEvents(tx, "health", events.map((e) => e.type), events.map((e) => e.payload));

  if (batch.rollups.length > 0) {
    const r = rollupColumns(batch.rollups);
    await tx`
      insert into probe_rollups_1m (component_id, minute, checks, failures, hist, maintenance)
      select id, to_timestamp(m / 1000.0), c, f, h::int[], mt
      from unnest(${r.ids}::uuid[], ${r.minutes}::text[]::float8[], ${r.checks}::text[]::int[], ${r.failures}::text[]::int[], ${r.hists}::text[], ${bools(r.maintenance)}::text[]::bool[])
        as u(id, m, c, f, h, mt)
      where exists (select 1 from components c where c.id = u.id)
      on conflict (component_id, minute) do update set
        checks = probe_rollups_1m.checks + excluded.checks,
        failures = probe_rollups_1m.failures + excluded.failures,
        hist = hist_add(probe_rollups_1m.hist, excluded.hist),
        maintenance = probe_rollups_1m.maintenance or excluded.maintenance`;
  }
  return { written, rejected };
}

