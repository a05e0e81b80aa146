/**
 * Monthly SLO report of one service: for each of its SLOs, the figures over
 * one UTC calendar month [1st 00:00, next 1st 00:00).
 *
 * Counts come from the daily rollups (sli_days; the time-slice columns for
 * time-slice SLOs). Two corrections are read from the minutes:
 * - days whose time-slice view is stale (`slices_dirty`, not yet recounted by
 *   the evaluator) are recounted here the same way;
 * - time covered by a budget adjustment is subtracted from its day, read
 *   from the rollups the way the evaluator reads it (excludedPerDay).
 * The budget consumed is sized on the whole month (budgetFigures with the
 * month's minutes), like a calendar-month SLO.
 */
import { sql } from "drizzle-orm";
import type { z } from "zod";
import type { Db } from "@/db/client";
import { budgetFigures } from "./math/budget";
import { excludedPerPeriod } from "./excluded-counts";
import { DAY_MS, MINUTE_MS } from "./math/time";
import { requireService } from "../health/resolve-service";
import { reportCsv, reportFilename, reportMarkdown } from "./report-format";
import type { BudgetingMethodName, reportInput } from "./schemas";
import type { ReportRow, ServiceReport } from "./types";

type DayCounts = { sloId: string; day: number; good: number; total: number };

interface SloRow {
  id: string;
  key: string;
  name: string;
  objective: number;
  method: BudgetingMethodName;
}

export function monthRange(month: string): { start: Date; end: Date } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return { start: new Date(Date.UTC(y, m - 1, 1)), end: new Date(Date.UTC(y, m, 1)) };
}

async function rows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  return (await db.execute(query)) as unknown as T[];
}

/** A minute's contribution to its day, per budgeting method (the evaluator's time-slice rules). */
const minuteGood = sql`case s.budgeting_method
  when 'occurrences' then m.good
  when 'timeslices' then (m.total > 0 and m.good >= coalesce(s.timeslice_target, 1) * m.total)::int
  else case when m.total > 0 then m.good / m.total else 0 end end`;
const minuteTotal = sql`case when s.budgeting_method = 'occurrences' then m.total else (m.total > 0)::int end`;

async function dailyCounts(db: Db, serviceId: string, start: Date, end: Date): Promise<DayCounts[]> {
  const s0 = start.toISOString();
  const e0 = end.toISOString();
  const stored = await rows<{ slo_id: string; day: number | string; good: number; total: number; stale: boolean }>(
    db,
    sql`select d.slo_id, extract(epoch from d.day) * 1000 as day,
          case when s.budgeting_method = 'occurrences' then d.good else d.slice_good end as good,
          case when s.budgeting_method = 'occurrences' then d.total else d.slice_total end as total,
          s.budgeting_method <> 'occurrences' and d.slices_dirty as stale
        from sli_days d join slos s on s.id = d.slo_id
        where s.service_id = ${serviceId} and d.day >= ${s0}::timestamptz and d.day < ${e0}::timestamptz`,
  );
  const recounted = await rows<{ slo_id: string; day: number | string; good: number; total: number }>(
    db,
    sql`select m.slo_id, extract(epoch from date_trunc('day', m.minute, 'UTC')) * 1000 as day, sum(${minuteGood}) as good, sum(${minuteTotal}) as total
        from sli_minutes m join slos s on s.id = m.slo_id
        where s.service_id = ${serviceId} and s.budgeting_method <> 'occurrences'
          and m.minute >= ${s0}::timestamptz and m.minute < ${e0}::timestamptz
          and exists (select 1 from sli_days d where d.slo_id = m.slo_id and d.day = date_trunc('day', m.minute, 'UTC') and d.slices_dirty)
        group by 1, date_trunc('day', m.minute, 'UTC')`,
  );
  const key = (sloId: string, day: number | string) => `${sloId}|${Number(day)}`;
  const byKey = new Map<string, DayCounts>();
  for (const r of stored) {
    if (!r.stale) byKey.set(key(r.slo_id, r.day), { sloId: r.slo_id, day: Number(r.day), good: Number(r.good), total: Number(r.total) });
  }
  for (const r of recounted) byKey.set(key(r.slo_id, r.day), { sloId: r.slo_id, day: Number(r.day), good: Number(r.good), total: Number(r.total) });
  for (const x of await excludedPerDay(db, serviceId, start, end)) {
    const d = byKey.get(key(x.sloId, x.day));
    if (!d) continue;
    d.good = Math.max(0, d.good - x.good);
    d.total = Math.max(0, d.total - x.total);
  }
  return [...byKey.values()];
}

/** The service's adjustments overlapping the month, taken out of each day (excluded-counts.ts). */
async function excludedPerDay(db: Db, serviceId: string, start: Date, end: Date): Promise<DayCounts[]> {
  const adjustments = await rows<{ slo_id: string; start_at: string | Date; end_at: string | Date; sliced: boolean }>(
    db,
    sql`select a.slo_id, a.start_at, a.end_at, s.budgeting_method <> 'occurrences' as sliced
        from budget_adjustments a join slos s on s.id = a.slo_id
        where s.service_id = ${serviceId} and a.start_at < ${end.toISOString()}::timestamptz and a.end_at > ${start.toISOString()}::timestamptz`,
  );
  const ranges = adjustments.map((a) => ({ sloId: a.slo_id, sliced: a.sliced, start: new Date(a.start_at), end: new Date(a.end_at) }));
  const per = await excludedPerPeriod(db.$client, ranges, { start: start.getTime(), end: end.getTime() }, DAY_MS);
  return per.map((p) => ({ sloId: p.sloId, day: p.t, good: p.good, total: p.total }));
}

async function countsBySlo(db: Db, query: ReturnType<typeof sql>): Promise<Map<string, number>> {
  return new Map((await rows<{ slo_id: string; n: number }>(db, query)).map((r) => [r.slo_id, Number(r.n)]));
}

function rowFor(slo: SloRow, days: DayCounts[], monthMinutes: number, adjustments: number, breaches: number): ReportRow {
  let good = 0;
  let total = 0;
  let worst: { day: Date; sli: number } | null = null;
  for (const d of days.sort((a, b) => a.day - b.day)) {
    const g = Math.min(d.good, d.total);
    good += g;
    total += d.total;
    if (d.total > 0) {
      const sli = g / d.total;
      if (!worst || sli < worst.sli) worst = { day: new Date(d.day), sli };
    }
  }
  const figures = budgetFigures({ counts: { good: Math.min(good, total), total }, objective: slo.objective, method: slo.method === "occurrences" ? "occurrences" : "timeslices", windowMinutes: monthMinutes });
  return {
    sloId: slo.id,
    key: slo.key,
    name: slo.name,
    objective: slo.objective,
    good,
    total,
    sli: figures.sli,
    // A tiny tolerance: sums of per-minute ratios drift by ulps around an exact objective.
    met: figures.sli === null ? null : figures.sli >= slo.objective - 1e-12,
    consumed: figures.consumed,
    worstDay: worst,
    adjustments,
    breaches,
  };
}

export async function serviceReport(db: Db, input: z.output<typeof reportInput>): Promise<ServiceReport> {
  const service = await requireService(db, input.service);
  const { start, end } = monthRange(input.month);
  const s0 = start.toISOString();
  const e0 = end.toISOString();
  const slos = (
    await rows<{ id: string; key: string; name: string; objective: number; budgeting_method: BudgetingMethodName }>(
      db,
      sql`select id, key, name, objective, budgeting_method from slos where service_id = ${service.id} order by lower(name), key`,
    )
  ).map((r): SloRow => ({ id: r.id, key: r.key, name: r.name, objective: Number(r.objective), method: r.budgeting_method }));
  if (slos.length === 0) return { service, month: input.month, start, end, rows: [] };

  const days = await dailyCounts(db, service.id, start, end);
  const adjustments = await countsBySlo(
    db,
    sql`select a.slo_id, count(*) as n from budget_adjustments a join slos s on s.id = a.slo_id
        where s.service_id = ${service.id} and a.start_at < ${e0}::timestamptz and a.end_at > ${s0}::timestamptz group by 1`,
  );
  const ids = slos.map((s) => s.id);
  const breaches = await countsBySlo(
    db,
    sql`select payload->>'sloId' as slo_id, count(*) as n from events
        where type = 'slo.breach' and created_at >= ${s0}::timestamptz and created_at < ${e0}::timestamptz
          and payload->>'sloId' in ${ids} group by 1`,
  );
  const monthMinutes = (end.getTime() - start.getTime()) / MINUTE_MS;
  return {
    service,
    month: input.month,
    start,
    end,
    rows: slos.map((s) =>
      rowFor(
        s,
        days.filter((d) => d.sloId === s.id),
        monthMinutes,
        adjustments.get(s.id) ?? 0,
        breaches.get(s.id) ?? 0,
      ),
    ),
  };
}

export async function reportExport(
  db: Db,
  input: z.output<typeof reportInput> & { format: "csv" | "markdown" },
): Promise<{ filename: string; mime: string; content: string }> {
  const report = await serviceReport(db, input);
  return input.format === "csv"
    ? { filename: reportFilename(report, "csv"), mime: "text/csv; charset=utf-8", content: reportCsv(report) }
    : { filename: reportFilename(report, "md"), mime: "text/markdown; charset=utf-8", content: reportMarkdown(report) };
}
