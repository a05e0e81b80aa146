/**
 * The live preview of the SLO form: what this SLO would have been over the
 * last 7 and 30 days from data that already exists, without saving anything.
 *
 *  - probe: the component's per-minute rollups (probe_rollups_1m), with the
 *    probe source's own good/total rules, aggregated per day in SQL;
 *  - push: an existing SLO's own buckets (edit form, `id` given) — hour rollups
 *    for occurrences, minutes for time slices; a new push SLO has no data yet;
 *  - prometheus: one bounded query_range per query from the web process
 *    (hourly sums via a `sum_over_time(…[1h:1m])` subquery, 5 s timeout, no
 *    retries: the form asks again when the user edits).
 *
 * Windows are rolling and end at the current minute, whatever the SLO's own
 * window is: the preview answers "how would it have looked recently".
 */
import type { Sql } from "postgres";
import type { z } from "zod";
import { getSql, type Db } from "@/db/client";
import { AppError } from "@/server/errors";
import { budgetFigures, type Counts } from "./math/budget";
import { sloState } from "./math/slo-state";
import { DAY_MS, HOUR_MS, MINUTE_MS, ceilTo, floorTo } from "./math/time";
import { SLICE_EPSILON } from "./evaluator/slices";
import type { previewInput } from "./schemas";
import { probeDays } from "./sources/probe-source";
import { PrometheusClient } from "./sources/prometheus-client";
import type { PreviewResult, PreviewWindow } from "./types";

type Input = z.output<typeof previewInput>;
type DayRow = { day: number; recent: boolean; good: number; total: number };

export const PREVIEW_DAYS = [7, 30] as const;
const DAILY_POINTS = 30;

let previewClient: PrometheusClient | undefined;
/** The web process's Prometheus client for previews: short timeout, no retries, its own breakers. */
const promClient = () => (previewClient ??= new PrometheusClient({ timeoutMs: 5_000, maxAttempts: 1, breakerFailures: 5, halfOpenAfterMs: 30_000 }));

const sqlOf = (db: Db): Sql => (db as Db & { $client?: Sql }).$client ?? getSql();

export async function previewSlo(db: Db, input: Input, now: Date = new Date()): Promise<PreviewResult> {
  const sql = sqlOf(db);
  const end = floorTo(now.getTime(), MINUTE_MS);
  const from = end - 30 * DAY_MS;
  const split = end - 7 * DAY_MS;
  const sliced = input.budgetingMethod !== "occurrences";
  const slices = sliced ? { method: input.budgetingMethod as "timeslices" | "ratio_timeslices", target: input.timesliceTarget ?? null, epsilon: SLICE_EPSILON } : undefined;
  let rows: DayRow[] = [];
  let note: string | null = null;

  const sli = input.sli;
  if (sli.source === "probe") {
    const [c] = await sql<{ id: string }[]>`select id from components where id = ${sli.componentId}`;
    if (!c) throw new AppError("BAD_REQUEST", "Unknown component", { fieldErrors: { "sli.componentId": ["No component with this id"] } });
    rows = await probeDays(sql, sli, { from, until: end, split }, slices);
  } else if (sli.source === "push") {
    if (!input.id) {
      note = "No data until events are pushed";
    } else if (slices) {
      rows = await pushMinuteDays(sql, input.id, { from, until: end, split }, slices);
    } else {
      rows = await pushHourDays(sql, input.id, { from, until: end, split });
    }
    if (input.id && rows.length === 0) note = "No events pushed to this SLO in the last 30 days";
  } else {
    rows = await prometheusDays(sli, { from, until: end, split });
    if (slices) note = "Prometheus data is previewed per hour, so time slices are shown as ratios of events";
  }

  const sum = (pick: (r: DayRow) => boolean): Counts => rows.filter(pick).reduce((a, r) => ({ good: a.good + r.good, total: a.total + r.total }), { good: 0, total: 0 });
  const usePrometheusRatio = sli.source === "prometheus";
  const windows: PreviewWindow[] = PREVIEW_DAYS.map((days) => {
    const counts = sum((r) => days === 30 || r.recent);
    const f = budgetFigures({
      counts,
      objective: input.objective,
      method: sliced && !usePrometheusRatio ? "timeslices" : "occurrences",
      windowMinutes: days * (DAY_MS / MINUTE_MS),
    });
    return {
      days,
      good: counts.good,
      total: counts.total,
      sli: f.sli,
      consumed: f.consumed,
      remaining: f.remaining,
      state: sloState({ consumed: f.consumed }, { severity: "ok" }),
    };
  });

  const firstDay = floorTo(end, DAY_MS) - (DAILY_POINTS - 1) * DAY_MS;
  const byDay = new Map<number, Counts>();
  for (const r of rows) {
    const c = byDay.get(r.day) ?? { good: 0, total: 0 };
    c.good += r.good;
    c.total += r.total;
    byDay.set(r.day, c);
  }
  const daily = Array.from({ length: DAILY_POINTS }, (_, i) => {
    const day = firstDay + i * DAY_MS;
    const c = byDay.get(day) ?? { good: 0, total: 0 };
    return { day: new Date(day), good: c.good, total: c.total, sli: c.total > 0 ? c.good / c.total : null };
  });
  if (note === null && windows.every((w) => w.total === 0)) note = "No data in the last 30 days";
  return { windows, daily, note };
}

type Range = { from: number; until: number; split: number };

const dayExpr = (col: string) => `(extract(epoch from date_trunc('day', ${col} at time zone 'UTC') at time zone 'UTC') * 1000)::bigint::text`;

/** Hour rollups of a pushed SLO; the edges are whole hours (a preview, not the evaluator's exact read). */
async function pushHourDays(sql: Sql, sloId: string, r: Range): Promise<DayRow[]> {
  const rows = await sql<{ day: string; recent: boolean; good: number; total: number }[]>`
    select ${sql.unsafe(dayExpr("hour"))} as day, hour >= ${new Date(floorTo(r.split, HOUR_MS)).toISOString()}::timestamptz as recent,
      sum(good)::float8 as good, sum(total)::float8 as total
    from sli_hours
    where slo_id = ${sloId} and hour >= ${new Date(ceilTo(r.from, HOUR_MS)).toISOString()}::timestamptz and hour < ${new Date(r.until).toISOString()}::timestamptz
    group by 1, 2 order by 1, 2`;
  return rows.map((x) => ({ day: Number(x.day), recent: x.recent, good: x.good, total: x.total }));
}

/** Minutes of a pushed SLO classified as slices with the form's (maybe unsaved) method and target. */
async function pushMinuteDays(sql: Sql, sloId: string, r: Range, s: { method: "timeslices" | "ratio_timeslices"; target: number | null; epsilon: number }): Promise<DayRow[]> {
  const perMinute =
    s.method === "ratio_timeslices"
      ? sql`least(1, good / total)`
      : sql`case when good >= ${s.target ?? 1}::float8 * total * (1 - ${s.epsilon}::float8) then 1 else 0 end`;
  const rows = await sql<{ day: string; recent: boolean; good: number; total: number }[]>`
    select ${sql.unsafe(dayExpr("minute"))} as day, minute >= ${new Date(r.split).toISOString()}::timestamptz as recent,
      sum(${perMinute})::float8 as good, count(*)::float8 as total
    from sli_minutes
    where slo_id = ${sloId} and minute >= ${new Date(r.from).toISOString()}::timestamptz and minute < ${new Date(r.until).toISOString()}::timestamptz and total > 0
    group by 1, 2 order by 1, 2`;
  return rows.map((x) => ({ day: Number(x.day), recent: x.recent, good: x.good, total: x.total }));
}

/** Hourly sums of both queries (one bounded request each), matched by timestamp; a sample at T covers the hour before T. */
async function prometheusDays(spec: { url: string; goodQuery: string; totalQuery: string }, r: Range): Promise<DayRow[]> {
  const startMs = ceilTo(r.from, HOUR_MS) + HOUR_MS;
  const endMs = floorTo(r.until, HOUR_MS);
  if (endMs < startMs) return [];
  const range = { baseUrl: spec.url, startMs, endMs, stepSeconds: 3600 };
  const hourly = (q: string) => `sum_over_time((${q})[1h:1m])`;
  let good: Map<number, number>;
  let total: Map<number, number>;
  try {
    [good, total] = await Promise.all([promClient().queryRange({ ...range, query: hourly(spec.goodQuery) }), promClient().queryRange({ ...range, query: hourly(spec.totalQuery) })]);
  } catch (err) {
    throw new AppError("BAD_REQUEST", err instanceof Error ? err.message : String(err), { fieldErrors: { sli: [err instanceof Error ? err.message : String(err)] } });
  }
  const out = new Map<string, DayRow>();
  for (const [t, tot] of total) {
    if (!(tot > 0)) continue;
    const hour = t - HOUR_MS;
    const day = floorTo(hour, DAY_MS);
    const recent = hour >= floorTo(r.split, HOUR_MS);
    const k = `${day}|${recent}`;
    const row = out.get(k) ?? { day, recent, good: 0, total: 0 };
    row.good += Math.min(tot, Math.max(0, good.get(t) ?? 0));
    row.total += tot;
    out.set(k, row);
  }
  return [...out.values()].sort((a, b) => a.day - b.day);
}
