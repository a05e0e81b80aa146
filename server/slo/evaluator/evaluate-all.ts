/**
 * One evaluation cycle for every SLO (the worker's "slo-evaluator" loop).
 *
 * In one transaction, under a transaction-scoped advisory lock so two workers
 * never evaluate at once (the second skips):
 *  1. load and parse every SLO (a row that does not parse is state "error");
 *  2. recount the time-slice view of hours/days written since the last cycle
 *     (in a short transaction of its own, before the rest);
 *  3. read every window and alert-window span of every SLO, and the parts of
 *     them covered by budget adjustments, in ONE statement over the rollups;
 *  4. compute figures per SLO (a throw is that SLO's "error", never the cycle's);
 *  5. upsert slo_status, and for what changed emit outbox events (topic "slo")
 *     and budget_events rows — all in the same transaction, so a crash never
 *     records a change without its event or the other way round.
 */
import type { Sql, TransactionSql } from "postgres";
import { advisoryLocks } from "@/db/advisory-locks";
import { emitEvents } from "@/server/events/emit-event";
import { excludedMinutesWithin, mergeExcludedRanges } from "../math/adjustments";
import type { Counts } from "../math/budget";
import { DAY_MS, MINUTE_MS, floorTo } from "../math/time";
import { dataEnd, resolveWindow, type SloWindow } from "../math/windows";
import { sloState } from "../math/slo-state";
import { policiesBySlo } from "../policy-tiers";
import { SPARK_DAYS, type SloStateName } from "../schemas";
import { loadSloRows, parseSlo, type ParsedSlo } from "./definitions";
import { alertMinutesFor, evaluateOne, type SloFigures } from "./evaluate-one";
import { readSpans, spanKey, ZERO, type SpanCounts, type SpanRequest } from "./read-counts";
import { recountDirtySlices } from "./slices";
import { diffStatus, NO_PREV, severityOf, type PrevStatus } from "./transitions";

export interface EvaluateAllResult {
  evaluated: number;
  errors: number;
  ms: number;
  /** another worker held the evaluator lock: nothing was done */
  skipped?: boolean;
  /** ms spent per phase, for the bench and slow-cycle logs */
  phases?: Record<string, number>;
}

interface Plan {
  slo: ParsedSlo;
  window: SloWindow;
  end: number;
  alertMinutes: number[];
  excluded: Array<{ start: number; end: number }>;
}

interface StatusRow {
  slo_id: string;
  state: SloStateName;
  sli: number | null;
  good: number;
  total: number;
  consumed: number | null;
  remaining: number | null;
  remaining_minutes: number | null;
  burn_rates: Record<string, number | null>;
  firing: unknown[];
  exhaustion_at: string | null;
  policy_tier: string | null;
  error: string | null;
  window_start: string | null;
  window_end: string | null;
  evaluated_at: string;
}

/** A pulled source whose cursor is this far behind while its last fetch failed makes its SLO "error". */
const SOURCE_STALE_MS = 5 * 60_000;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Counts of [start, end) minus what adjustments exclude from it, clamped against float noise of the subtraction. */
function adjusted(counts: Map<string, SpanCounts>, plan: Plan, start: number, end: number): SpanCounts {
  const base = counts.get(spanKey(plan.slo.id, start, end)) ?? ZERO;
  if (plan.excluded.length === 0) return base;
  let { good, total, sliceGood, sliceTotal } = base;
  for (const x of plan.excluded) {
    const s = Math.max(start, x.start);
    const e = Math.min(end, x.end);
    if (e <= s) continue;
    const c = counts.get(spanKey(plan.slo.id, s, e)) ?? ZERO;
    good -= c.good;
    total -= c.total;
    sliceGood -= c.sliceGood;
    sliceTotal -= c.sliceTotal;
  }
  total = Math.max(0, total);
  sliceTotal = Math.max(0, sliceTotal);
  return { good: Math.min(total, Math.max(0, good)), total, sliceGood: Math.min(sliceTotal, Math.max(0, sliceGood)), sliceTotal };
}

const asCounts = (slo: ParsedSlo, c: SpanCounts): Counts => (slo.sliced ? { good: c.sliceGood, total: c.sliceTotal } : { good: c.good, total: c.total });

export async function evaluateAll(sql: Sql, now: Date = new Date()): Promise<EvaluateAllResult> {
  const t0 = performance.now();
  const tryLock = async (tx: TransactionSql) => {
    const [lock] = await tx<{ ok: boolean }[]>`select pg_try_advisory_xact_lock(${advisoryLocks.sloEvaluator}) as ok`;
    return lock?.ok === true;
  };
  // The time-slice recount first, in its own short transaction: its row locks on the current hour and day would
  // otherwise be held for the whole cycle and stall ingest into time-slice SLOs for that long.
  const recounted = await sql.begin(async (tx) => {
    if (!(await tryLock(tx))) return null;
    const s = performance.now();
    const sliced = await tx<{ id: string }[]>`select id from slos where budgeting_method <> 'occurrences' order by id`;
    await recountDirtySlices(
      tx,
      sliced.map((r) => r.id),
    );
    return Math.round((performance.now() - s) * 10) / 10;
  });
  if (recounted === null) return { evaluated: 0, errors: 0, ms: performance.now() - t0, skipped: true };
  return sql.begin(async (tx) => {
    if (!(await tryLock(tx))) return { evaluated: 0, errors: 0, ms: performance.now() - t0, skipped: true };
    return cycle(tx, now, t0, recounted);
  });
}

async function cycle(tx: TransactionSql, now: Date, t0: number, slicesMs: number): Promise<EvaluateAllResult> {
  const phases: Record<string, number> = { slices: slicesMs };
  let mark = performance.now();
  const phase = (name: string) => {
    const t = performance.now();
    phases[name] = Math.round((t - mark) * 10) / 10;
    mark = t;
  };
  const rows = await loadSloRows(tx);
  const prevRows = await tx<{ slo_id: string; state: SloStateName; firing: unknown; policy_tier: string | null; consumed: number | null }[]>`
    select slo_id, state, firing, policy_tier, consumed from slo_status`;
  // An error row keeps the last good figures (see the upsert below), so the state before the error can be read back from
  // them: breached → error → breached must not announce a second breach, nor breached → error → ok miss the recovery.
  const prev = new Map<string, PrevStatus>(
    prevRows.map((r) => {
      const severity = severityOf(r.firing);
      const state = r.state === "error" ? sloState({ consumed: r.consumed }, { severity }) : r.state;
      return [r.slo_id, { state, severity, policyTier: r.policy_tier }];
    }),
  );

  const errors = new Map<string, string>();
  const plans: Plan[] = [];
  const parsedAll = rows.map(parseSlo);
  for (const p of parsedAll) {
    if (!p.ok) {
      errors.set(p.id, p.error);
      continue;
    }
    try {
      const window = resolveWindow(p.window, now);
      plans.push({ slo: p, window, end: dataEnd(window).getTime(), alertMinutes: alertMinutesFor(p, window), excluded: [] });
    } catch (err) {
      errors.set(p.id, message(err));
    }
  }

  // A pulled source that keeps failing leaves its SLO on stale counts: say so instead of showing old figures as current.
  const staleBefore = now.getTime() - SOURCE_STALE_MS;
  const failing = await tx<{ slo_id: string; last_error: string; folded_until: Date }[]>`
    select slo_id, last_error, folded_until from sli_source_cursors
    where last_error is not null and folded_until < ${new Date(staleBefore).toISOString()}::timestamptz`;
  for (const f of failing) {
    if (!errors.has(f.slo_id)) errors.set(f.slo_id, `SLI source failing, data only up to ${new Date(f.folded_until).toISOString()}: ${f.last_error}`);
  }
  phase("load");

  // Adjustments touching any span read this cycle (the earliest span start bounds them).
  let earliest = Number.POSITIVE_INFINITY;
  for (const p of plans) earliest = Math.min(earliest, p.window.start.getTime(), p.end - (p.alertMinutes.at(-1) ?? 0) * MINUTE_MS);
  const adjustments = Number.isFinite(earliest)
    ? await tx<{ slo_id: string; start_at: Date; end_at: Date }[]>`
        select slo_id, start_at, end_at from budget_adjustments where end_at > ${new Date(earliest).toISOString()}::timestamptz`
    : [];
  const adjBySlo = new Map<string, Array<{ start: Date; end: Date }>>();
  for (const a of adjustments) {
    const list = adjBySlo.get(a.slo_id) ?? [];
    list.push({ start: new Date(a.start_at), end: new Date(a.end_at) });
    adjBySlo.set(a.slo_id, list);
  }

  const requests: SpanRequest[] = [];
  const want = (plan: Plan, start: number, end: number) => {
    requests.push({ sloId: plan.slo.id, start, end });
    for (const x of plan.excluded) {
      const s = Math.max(start, x.start);
      const e = Math.min(end, x.end);
      if (e > s) requests.push({ sloId: plan.slo.id, start: s, end: e });
    }
  };
  for (const plan of plans) {
    plan.excluded = mergeExcludedRanges(adjBySlo.get(plan.slo.id) ?? []);
    want(plan, plan.window.start.getTime(), plan.end);
    for (const m of plan.alertMinutes) want(plan, plan.end - m * MINUTE_MS, plan.end);
  }
  phase("adjustments");
  const counts = await readSpans(tx, requests);
  phase("read");
  const policies = await policiesBySlo(tx);

  const figures = new Map<string, SloFigures>();
  for (const plan of plans) {
    try {
      const adj = adjBySlo.get(plan.slo.id) ?? [];
      figures.set(
        plan.slo.id,
        evaluateOne({
          slo: plan.slo,
          now,
          window: plan.window,
          excludedWindowMinutes: plan.slo.sliced ? excludedMinutesWithin({ start: plan.window.start, end: plan.window.end }, adj) : 0,
          windowCounts: asCounts(plan.slo, adjusted(counts, plan, plan.window.start.getTime(), plan.end)),
          countsFor: (m) => asCounts(plan.slo, adjusted(counts, plan, plan.end - m * MINUTE_MS, plan.end)),
          policy: policies.get(plan.slo.id),
        }),
      );
    } catch (err) {
      errors.set(plan.slo.id, message(err));
    }
  }

  // Status rows, events and budget events.
  const evaluatedAt = now.toISOString();
  const planById = new Map(plans.map((p) => [p.slo.id, p]));
  const status: StatusRow[] = [];
  const types: string[] = [];
  const payloads: string[] = [];
  const budgetEvents: Array<{ sloId: string; fromTier: string | null; toTier: string | null; remaining: number | null; cause: string }> = [];
  for (const p of parsedAll) {
    const before = prev.get(p.id) ?? NO_PREV;
    const plan = planById.get(p.id);
    const f = figures.get(p.id);
    const err = errors.get(p.id);
    const windowStart = plan ? plan.window.start.toISOString() : null;
    const windowEnd = plan ? plan.window.end.toISOString() : null;
    if (!f || err !== undefined) {
      status.push({
        slo_id: p.id,
        state: "error",
        sli: null,
        good: 0,
        total: 0,
        consumed: null,
        remaining: null,
        remaining_minutes: null,
        burn_rates: {},
        firing: [],
        exhaustion_at: null,
        // Keep the tier in effect: an SLO that cannot be measured right now neither frees nor freezes deploys by itself.
        policy_tier: before.policyTier,
        error: err ?? "not evaluated",
        window_start: windowStart,
        window_end: windowEnd,
        evaluated_at: evaluatedAt,
      });
      continue;
    }
    status.push({
      slo_id: p.id,
      state: f.state,
      sli: f.sli,
      good: f.good,
      total: f.total,
      consumed: f.consumed,
      remaining: f.remaining,
      remaining_minutes: f.remainingMinutes,
      burn_rates: f.burnRates,
      firing: f.firing,
      exhaustion_at: f.exhaustionAt?.toISOString() ?? null,
      policy_tier: f.policyTier,
      error: null,
      window_start: windowStart,
      window_end: windowEnd,
      evaluated_at: evaluatedAt,
    });
    const t = diffStatus({ id: p.id, key: p.key, name: p.name, serviceId: p.serviceId, objective: p.ok ? p.objective : null }, before, f);
    for (const e of t.events) {
      types.push(e.type);
      payloads.push(JSON.stringify(e.payload));
    }
    if (t.budgetEvent) budgetEvents.push({ sloId: p.id, ...t.budgetEvent });
  }

  phase("compute");
  if (status.length > 0) {
    // The list's sparkline (SLI per UTC day, 30 days) is folded into the same write: building it here once per
    // cycle keeps the list at one stored row per SLO instead of aggregating 30,000 day rows on every read.
    const sparkFrom = new Date(floorTo(now.getTime(), DAY_MS) - (SPARK_DAYS - 1) * DAY_MS).toISOString();
    await tx`
      with spark as (
        select d.slo_id, array_agg((d.day at time zone 'UTC')::date - date '1970-01-01') as days,
          array_agg((case when s.budgeting_method = 'occurrences' then d.good / nullif(d.total, 0)
                          else d.slice_good / nullif(d.slice_total, 0) end)::real) as sli
        from sli_days d join slos s on s.id = d.slo_id
        where d.day >= ${sparkFrom}::timestamptz
        group by d.slo_id
      )
      insert into slo_status (slo_id, state, sli, good, total, consumed, remaining, remaining_minutes, burn_rates, firing,
        exhaustion_at, policy_tier, error, window_start, window_end, evaluated_at, state_since, spark_days, spark_sli)
      select x.slo_id, x.state, x.sli, x.good, x.total, x.consumed, x.remaining, x.remaining_minutes, x.burn_rates, x.firing,
        x.exhaustion_at, x.policy_tier, x.error, x.window_start, x.window_end, x.evaluated_at, x.evaluated_at, sp.days, sp.sli
      from jsonb_to_recordset(${JSON.stringify(status)}::text::jsonb) as x(
        slo_id uuid, state slo_state, sli float8, good float8, total float8, consumed float8, remaining float8, remaining_minutes float8,
        burn_rates jsonb, firing jsonb, exhaustion_at timestamptz, policy_tier text, error text, window_start timestamptz,
        window_end timestamptz, evaluated_at timestamptz)
      left join spark sp on sp.slo_id = x.slo_id
      order by x.slo_id
      on conflict (slo_id) do update set
        -- An SLO that cannot be evaluated keeps its last good figures (labelled by state "error" and the message):
        -- the gate goes on answering from them, and the next good cycle diffs against them.
        state = excluded.state, error = excluded.error, evaluated_at = excluded.evaluated_at,
        window_start = excluded.window_start, window_end = excluded.window_end,
        sli = case when excluded.state = 'error' then slo_status.sli else excluded.sli end,
        good = case when excluded.state = 'error' then slo_status.good else excluded.good end,
        total = case when excluded.state = 'error' then slo_status.total else excluded.total end,
        consumed = case when excluded.state = 'error' then slo_status.consumed else excluded.consumed end,
        remaining = case when excluded.state = 'error' then slo_status.remaining else excluded.remaining end,
        remaining_minutes = case when excluded.state = 'error' then slo_status.remaining_minutes else excluded.remaining_minutes end,
        burn_rates = case when excluded.state = 'error' then slo_status.burn_rates else excluded.burn_rates end,
        firing = case when excluded.state = 'error' then slo_status.firing else excluded.firing end,
        exhaustion_at = case when excluded.state = 'error' then slo_status.exhaustion_at else excluded.exhaustion_at end,
        policy_tier = case when excluded.state = 'error' then slo_status.policy_tier else excluded.policy_tier end,
        spark_days = excluded.spark_days, spark_sli = excluded.spark_sli,
        state_since = case when slo_status.state = excluded.state then slo_status.state_since else excluded.state_since end`;
  }
  if (budgetEvents.length > 0) {
    await tx`
      insert into budget_events (slo_id, at, from_tier, to_tier, remaining, cause)
      select s, ${evaluatedAt}::timestamptz, f, t, r, c
      from unnest(${budgetEvents.map((b) => b.sloId)}::uuid[], ${budgetEvents.map((b) => b.fromTier)}::text[], ${budgetEvents.map((b) => b.toTier)}::text[],
        ${budgetEvents.map((b) => (b.remaining === null ? null : String(b.remaining)))}::text[]::float8[], ${budgetEvents.map((b) => b.cause)}::text[]) as u(s, f, t, r, c)`;
  }
  const ms = performance.now() - t0;
  types.push("slo.evaluated");
  payloads.push(JSON.stringify({ count: rows.length, errors: errors.size, ms: Math.round(ms) }));
  await emitEvents(tx, "slo", types, payloads);
  phase("write");
  return { evaluated: rows.length - errors.size, errors: errors.size, ms: performance.now() - t0, phases };
}
