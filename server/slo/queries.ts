/**
 * Reads for the SLO pages. Figures come from `slo_status` (written by the
 * worker's evaluator), history from the hour/day rollups: no read here scans
 * minute rows except to subtract excluded ranges.
 */
import { and, desc, eq, gt, lt, sql as dsql } from "drizzle-orm";
import type { z } from "zod";
import type { Db } from "@/db/client";
import { budgetAdjustments, budgetEvents, services, sliSourceCursors, sloStatus, slos } from "@/db/schema";
import { AppError } from "../errors";
import { budgetFigures, type BudgetingMethod } from "./math/budget";
import { effectiveRules, windowLabel } from "./math/burn-alerts";
import { DAY_MS, HOUR_MS, floorTo } from "./math/time";
import { resolveWindow } from "./math/windows";
import { excludedPerPeriod } from "./excluded-counts";
import { gateAnswer } from "./gate";
import { policiesBySlo } from "./policy-tiers";
import { type listSlosInput, type seriesInput, type SloStateName, SPARK_DAYS, sliSpec } from "./schemas";
import { toDefinition } from "./slo-row";
import type { AdjustmentView, BurnRuleView, FiringRuleView, PolicyView, SeriesPoint, SloDetail, SloListRow, SloSeries, SloStatusView } from "./types";


const emptyStatus = (): SloStatusView => ({
  state: "no_data",
  sli: null,
  good: 0,
  total: 0,
  consumed: null,
  remaining: null,
  remainingMinutes: null,
  burnRates: {},
  firing: [],
  exhaustionAt: null,
  policyTier: null,
  error: null,
  windowStart: null,
  windowEnd: null,
  evaluatedAt: null,
  stateSince: new Date(0),
});

function statusView(st: typeof sloStatus.$inferSelect | null | undefined): SloStatusView {
  if (!st) return emptyStatus();
  return {
    state: st.state,
    sli: st.sli,
    good: st.good,
    total: st.total,
    consumed: st.consumed,
    remaining: st.remaining,
    remainingMinutes: st.remainingMinutes,
    burnRates: st.burnRates,
    firing: st.firing as unknown as FiringRuleView[],
    exhaustionAt: st.exhaustionAt,
    policyTier: st.policyTier,
    error: st.error,
    windowStart: st.windowStart,
    windowEnd: st.windowEnd,
    evaluatedAt: st.evaluatedAt,
    stateSince: st.stateSince,
  };
}

/** Time-slice SLOs count minutes, not events: their rollups carry both, and the slice columns are theirs. */
const isSliced = (method: string) => method !== "occurrences";
const mathMethod = (method: string): BudgetingMethod => (isSliced(method) ? "timeslices" : "occurrences");

type ListRow = {
  id: string;
  key: string;
  name: string;
  service_id: string;
  service_name: string;
  owner: string;
  objective: number;
  window: SloListRow["window"];
  budgeting_method: SloListRow["budgetingMethod"];
  source: SloListRow["sliSource"];
  labels: Record<string, string>;
  state: SloStateName | null;
  sli: number | null;
  good: number | null;
  total: number | null;
  consumed: number | null;
  remaining: number | null;
  remaining_minutes: number | null;
  burn_rates: Record<string, number | null> | null;
  firing: FiringRuleView[] | null;
  exhaustion_at: Date | null;
  policy_tier: string | null;
  error: string | null;
  window_start: Date | null;
  window_end: Date | null;
  evaluated_at: Date | null;
  state_since: Date | null;
  spark_days: number[] | null;
  spark_sli: Array<number | null> | null;
};

/**
 * One statement for the whole list: definitions and status, including the
 * 30-day sparkline the evaluator keeps on the status row (aggregating 30,000
 * day rows per read cost more than the rest of the list together).
 */
export async function listSlos(db: Db, input: z.output<typeof listSlosInput>): Promise<SloListRow[]> {
  const today = floorTo(Date.now(), DAY_MS);
  const service = input.service?.trim();
  const owner = input.owner?.trim();
  const rows = (await db.execute(dsql`
    select s.id, s.key, s.name, s.service_id, v.name as service_name, s.owner, s.objective, s.window,
           s.budgeting_method, s.sli->>'source' as source, s.labels,
           st.state, st.sli, st.good, st.total, st.consumed, st.remaining, st.remaining_minutes, st.burn_rates, st.firing,
           st.exhaustion_at, st.policy_tier, st.error, st.window_start, st.window_end, st.evaluated_at, st.state_since,
           st.spark_days, st.spark_sli
    from slos s
    join services v on v.id = s.service_id
    left join slo_status st on st.slo_id = s.id
    where true
      ${service ? dsql`and (v.id::text = ${service} or lower(v.name) = lower(${service}))` : dsql``}
      ${input.state ? dsql`and coalesce(st.state, 'no_data') = ${input.state}` : dsql``}
      ${owner ? dsql`and s.owner ilike ${`%${owner.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}` : dsql``}
    order by v.name, s.name`)) as unknown as ListRow[];

  const todayIndex = today / DAY_MS;
  return rows.map((r) => {
    const spark: Array<number | null> = new Array<number | null>(SPARK_DAYS).fill(null);
    const days = r.spark_days ?? [];
    days.forEach((d, i) => {
      const slot = SPARK_DAYS - 1 - (todayIndex - d);
      const sli = r.spark_sli?.[i];
      if (slot >= 0 && slot < SPARK_DAYS && sli !== null && sli !== undefined) spark[slot] = Math.min(1, Number(sli));
    });
    const date = (v: Date | string | null) => (v === null ? null : new Date(v));
    return {
      id: r.id,
      key: r.key,
      name: r.name,
      serviceId: r.service_id,
      serviceName: r.service_name,
      owner: r.owner,
      objective: Number(r.objective),
      window: r.window,
      budgetingMethod: r.budgeting_method,
      sliSource: r.source,
      labels: r.labels,
      state: r.state ?? "no_data",
      sli: r.sli,
      good: Number(r.good ?? 0),
      total: Number(r.total ?? 0),
      consumed: r.consumed,
      remaining: r.remaining,
      remainingMinutes: r.remaining_minutes,
      burnRates: r.burn_rates ?? {},
      firing: r.firing ?? [],
      exhaustionAt: date(r.exhaustion_at),
      policyTier: r.policy_tier,
      error: r.error,
      windowStart: date(r.window_start),
      windowEnd: date(r.window_end),
      evaluatedAt: date(r.evaluated_at),
      stateSince: date(r.state_since) ?? new Date(0),
      spark,
    };
  });
}

async function loadSlo(db: Db, id: string) {
  const [row] = await db
    .select({ slo: slos, serviceName: services.name })
    .from(slos)
    .innerJoin(services, eq(services.id, slos.serviceId))
    .where(eq(slos.id, id));
  if (!row) throw new AppError("NOT_FOUND", `SLO ${id} not found`);
  return row;
}

async function adjustmentsOf(db: Db, sloId: string): Promise<AdjustmentView[]> {
  const rows = await db.execute(dsql`
    select a.id, a.start_at, a.end_at, a.reason, u.email as created_by, a.created_at
    from budget_adjustments a left join users u on u.id = a.created_by
    where a.slo_id = ${sloId} order by a.start_at desc limit 200`);
  return (rows as unknown as Array<{ id: string; start_at: string; end_at: string; reason: string; created_by: string | null; created_at: string }>).map((r) => ({
    id: r.id,
    start: new Date(r.start_at),
    end: new Date(r.end_at),
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at),
  }));
}

export async function sloDetail(db: Db, id: string): Promise<SloDetail> {
  const { slo: row, serviceName } = await loadSlo(db, id);
  const slo = toDefinition(row, serviceName);
  const [st] = await db.select().from(sloStatus).where(eq(sloStatus.sloId, id));
  const status = statusView(st);
  const windowMinutes = resolveWindow(slo.window, new Date()).minutes;
  const firing = new Set(status.firing.map((f) => f.rule));
  const rules: BurnRuleView[] = effectiveRules({ windowMinutes, overrides: slo.alerting.overrides }).map((r) => ({
    name: r.name,
    severity: r.severity,
    longWindow: windowLabel(r.longWindowMinutes),
    shortWindow: windowLabel(r.shortWindowMinutes),
    threshold: r.threshold,
    budgetFraction: r.budgetFraction,
    longBurn: status.burnRates[windowLabel(r.longWindowMinutes)] ?? null,
    shortBurn: status.burnRates[windowLabel(r.shortWindowMinutes)] ?? null,
    firing: firing.has(r.name),
  }));
  const events = await db.select().from(budgetEvents).where(eq(budgetEvents.sloId, id)).orderBy(desc(budgetEvents.at)).limit(200);
  const applied = (await policiesBySlo(db.$client, [id])).get(id);
  let policy: PolicyView | null = null;
  if (applied) {
    const [p] = await db.execute(dsql`
      select p.id, p.name, p.service_id, v.name as service_name, p.slo_id, s.name as slo_name, p.updated_at
      from error_budget_policies p left join services v on v.id = p.service_id left join slos s on s.id = p.slo_id
      where p.id = ${applied.policyId}`) as unknown as Array<{ id: string; name: string; service_id: string | null; service_name: string | null; slo_id: string | null; slo_name: string | null; updated_at: string }>;
    if (p) {
      policy = {
        id: p.id,
        name: p.name,
        scope: p.slo_id ? "slo" : "service",
        serviceId: p.service_id,
        serviceName: p.service_name,
        sloId: p.slo_id,
        sloName: p.slo_name,
        tiers: applied.tiers,
        updatedAt: new Date(p.updated_at),
      };
    }
  }
  const [cursor] = await db.select().from(sliSourceCursors).where(eq(sliSourceCursors.sloId, id));
  return {
    slo,
    status,
    rules,
    adjustments: await adjustmentsOf(db, id),
    budgetEvents: events.map((e) => ({ id: e.id, at: e.at, fromTier: e.fromTier, toTier: e.toTier, remaining: e.remaining, cause: e.cause })),
    policy,
    gate: await gateAnswer(db, slo.serviceId),
    source: { foldedUntil: cursor?.foldedUntil ?? null, lastError: cursor?.lastError ?? null, lastErrorAt: cursor?.lastErrorAt ?? null },
  };
}

/**
 * SLI per hour (≤ 7 days) or per day, and the budget burn-down: remaining
 * budget over the SLO window from its start to the end of each period.
 * Excluded (adjusted) minutes are subtracted per period, as the evaluator does.
 */
export async function sloSeries(db: Db, input: z.output<typeof seriesInput>): Promise<SloSeries> {
  const { slo: row } = await loadSlo(db, input.id);
  const resolution = input.days <= 7 ? "hour" : "day";
  const unit = resolution === "hour" ? HOUR_MS : DAY_MS;
  const now = new Date();
  const end = floorTo(now.getTime(), unit) + unit;
  const start = end - Math.ceil((input.days * DAY_MS) / unit) * unit;
  const table = resolution === "hour" ? dsql`sli_hours` : dsql`sli_days`;
  const col = resolution === "hour" ? dsql`hour` : dsql`day`;
  const sliced = isSliced(row.budgetingMethod);
  const goodCol = sliced ? dsql`slice_good` : dsql`good`;
  const totalCol = sliced ? dsql`slice_total` : dsql`total`;
  const adjustments = await adjustmentsOf(db, input.id);

  const rows = (await db.execute(dsql`
    select extract(epoch from ${col}) * 1000 as t, ${goodCol} as good, ${totalCol} as total from ${table}
    where slo_id = ${input.id} and ${col} >= ${new Date(start).toISOString()}::timestamptz and ${col} < ${new Date(end).toISOString()}::timestamptz`)) as unknown as Array<{ t: string; good: number; total: number }>;
  const byT = new Map(rows.map((r) => [Number(r.t), { good: Number(r.good), total: Number(r.total) }]));

  // Excluded time per period, subtracted so the chart agrees with the budget figures.
  const overlapping = await db
    .select({ start: budgetAdjustments.startAt, end: budgetAdjustments.endAt })
    .from(budgetAdjustments)
    .where(and(eq(budgetAdjustments.sloId, input.id), lt(budgetAdjustments.startAt, new Date(end)), gt(budgetAdjustments.endAt, new Date(start))));
  const excluded = await excludedPerPeriod(
    db.$client,
    overlapping.map((a) => ({ sloId: input.id, sliced, start: a.start, end: a.end })),
    { start, end },
    unit,
  );
  for (const x of excluded) {
    const p = byT.get(x.t);
    if (p) {
      p.good = Math.max(0, p.good - x.good);
      p.total = Math.max(0, p.total - x.total);
    }
  }

  const window = resolveWindow(row.window as Parameters<typeof resolveWindow>[0], now);
  const windowStart = window.start.getTime();
  let cumGood = 0;
  let cumTotal = 0;
  const points: SeriesPoint[] = [];
  for (let t = start; t < end; t += unit) {
    const c = byT.get(t) ?? { good: 0, total: 0 };
    let remaining: number | null = null;
    if (t + unit > windowStart) {
      cumGood += c.good;
      cumTotal += c.total;
      if (cumTotal > 0) {
        remaining = budgetFigures({
          counts: { good: Math.min(cumGood, cumTotal), total: cumTotal },
          objective: row.objective,
          method: mathMethod(row.budgetingMethod),
          windowMinutes: window.minutes,
        }).remaining;
      }
    }
    points.push({ t: new Date(t), good: c.good, total: c.total, sli: c.total > 0 ? Math.min(1, c.good / c.total) : null, remaining });
  }
  return { resolution, points, adjustments, maintenance: await maintenanceRanges(db, row.sli, start, end) };
}

/** Maintenance minutes of a probe SLI's component, merged into ranges (gaps-and-islands over the minute rollups). */
async function maintenanceRanges(db: Db, sli: Record<string, unknown>, start: number, end: number): Promise<Array<{ start: Date; end: Date }>> {
  const parsed = sliSpec.safeParse(sli);
  if (!parsed.success || parsed.data.source !== "probe") return [];
  const rows = (await db.execute(dsql`
    select min(minute) as s, max(minute) + interval '1 minute' as e from (
      select minute, minute - (row_number() over (order by minute)) * interval '1 minute' as grp
      from probe_rollups_1m
      where component_id = ${parsed.data.componentId} and maintenance
        and minute >= ${new Date(start).toISOString()}::timestamptz and minute < ${new Date(end).toISOString()}::timestamptz
    ) m group by grp order by 1 limit 500`)) as unknown as Array<{ s: string; e: string }>;
  return rows.map((r) => ({ start: new Date(r.s), end: new Date(r.e) }));
}
