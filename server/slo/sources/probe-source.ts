/**
 * SLI counts from a Bulwark component's probe results, read from the
 * per-minute rollups (probe_rollups_1m) the prober already keeps:
 *  - availability: good = checks − failures, total = checks;
 *  - latency: good = successful checks whose latency histogram bucket lies
 *    wholly at or under thresholdMs, total = checks.
 * Minutes under maintenance are skipped: maintenance is excluded from the SLI.
 *
 * The latency rule is conservative at bucket resolution: the histogram
 * (server/health/latency-histogram.ts) keeps ~33 %-wide log buckets, and a
 * bucket whose upper bound is above the threshold counts as bad even though
 * some of its checks may have been faster than the threshold. Checks that
 * succeeded without a latency are not in the histogram and count as bad too.
 */
import type { Sql, TransactionSql } from "postgres";
import { upperBounds } from "@/server/health/latency-histogram";
import type { SliCount } from "../store/write-buckets";

/** How many leading histogram buckets lie wholly at or under `thresholdMs`. */
export function bucketsWithin(thresholdMs: number): number {
  let k = 0;
  for (const ub of upperBounds) if (ub <= thresholdMs * (1 + 1e-9)) k++;
  return k;
}

export interface ProbeMeasure {
  componentId: string;
  measure: "availability" | "latency";
  thresholdMs?: number;
}

/** Counts per minute of [from, until), maintenance minutes left out, minutes without checks skipped. */
export async function probeMinutes(sql: Sql | TransactionSql, sloId: string, m: ProbeMeasure, from: number, until: number): Promise<SliCount[]> {
  const k = m.measure === "latency" ? bucketsWithin(m.thresholdMs ?? 0) : 0;
  const rows = await sql<{ at: string; good: number; total: number }[]>`
    select (extract(epoch from minute) * 1000)::bigint::text as at,
      ${m.measure === "latency" ? sql`(select coalesce(sum(v), 0) from unnest(hist[1:${k}::int]) v)` : sql`checks - failures`}::float8 as good,
      checks::float8 as total
    from probe_rollups_1m
    where component_id = ${m.componentId} and minute >= ${new Date(from).toISOString()}::timestamptz and minute < ${new Date(until).toISOString()}::timestamptz
      and not maintenance and checks > 0
    order by minute`;
  return rows.map((r) => ({ sloId, at: Number(r.at), good: Math.min(r.good, r.total), total: r.total }));
}

/**
 * Same rules, summed per UTC day in SQL (the live preview reads 30 days of a
 * component at once), each day split at `split` so a caller can also sum the
 * part of the range after it (the last 7 days) without a second scan. With
 * `slices`, every minute counts as one slice (time-slice SLOs).
 */
export async function probeDays(
  sql: Sql | TransactionSql,
  m: ProbeMeasure,
  range: { from: number; until: number; split: number },
  slices?: { method: "timeslices" | "ratio_timeslices"; target: number | null; epsilon: number },
): Promise<Array<{ day: number; recent: boolean; good: number; total: number }>> {
  const k = m.measure === "latency" ? bucketsWithin(m.thresholdMs ?? 0) : 0;
  const good = m.measure === "latency" ? sql`(select coalesce(sum(v), 0) from unnest(hist[1:${k}::int]) v)` : sql`checks - failures`;
  const perMinute = slices
    ? slices.method === "ratio_timeslices"
      ? sql`least(1, (${good})::float8 / checks)`
      : sql`case when (${good})::float8 >= ${slices.target ?? 1}::float8 * checks * (1 - ${slices.epsilon}::float8) then 1 else 0 end`
    : sql`(${good})::float8`;
  const perMinuteTotal = slices ? sql`1` : sql`checks`;
  const rows = await sql<{ day: string; recent: boolean; good: number; total: number }[]>`
    select (extract(epoch from date_trunc('day', minute at time zone 'UTC') at time zone 'UTC') * 1000)::bigint::text as day,
      minute >= ${new Date(range.split).toISOString()}::timestamptz as recent,
      sum(${perMinute})::float8 as good, sum(${perMinuteTotal})::float8 as total
    from probe_rollups_1m
    where component_id = ${m.componentId} and minute >= ${new Date(range.from).toISOString()}::timestamptz and minute < ${new Date(range.until).toISOString()}::timestamptz
      and not maintenance and checks > 0
    group by 1, 2 order by 1, 2`;
  return rows.map((r) => ({ day: Number(r.day), recent: r.recent, good: Math.min(r.good, r.total), total: r.total }));
}
