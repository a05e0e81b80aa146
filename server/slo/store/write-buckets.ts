/**
 * The one writer of SLI counts. Every source (pushed events, probe rollups,
 * Prometheus) ends here: counts are added to the minute bucket *and* to its
 * hour and day rollups in the same transaction, so rollups are never behind the
 * minutes and a window read can trust them (server/slo/math/buckets.ts). A
 * write to a time-slice SLO also marks the touched rollups `slices_dirty`,
 * which tells the evaluator to recount the time-slice view of those hours and
 * days (occurrence SLOs have no such view, so their rows are never dirty).
 *
 * Adding (`good = good + excluded.good`) instead of overwriting makes two
 * batches for the same minute — or two workers — add up; idempotency of a
 * retried batch is the caller's job (sli_ingest_batches, source cursors).
 */
import type { Sql, TransactionSql } from "postgres";
import { DAY_MS, HOUR_MS, MINUTE_MS, floorTo } from "../math/time";

export interface SliCount {
  sloId: string;
  /** any time inside the minute (epoch ms or Date) */
  at: number | Date;
  good: number;
  total: number;
}

type Agg = { sloId: string; t: number; good: number; total: number };

/** Sums counts per (SLO, period start) so each statement touches a row once (ON CONFLICT cannot hit a row twice). */
export function aggregate(rows: readonly SliCount[], unitMs: number): Agg[] {
  const m = new Map<string, Agg>();
  for (const r of rows) {
    const t = floorTo(typeof r.at === "number" ? r.at : r.at.getTime(), unitMs);
    const k = `${r.sloId}|${t}`;
    const a = m.get(k);
    if (a) {
      a.good += r.good;
      a.total += r.total;
    } else m.set(k, { sloId: r.sloId, t, good: r.good, total: r.total });
  }
  return [...m.values()];
}

function columns(aggs: Agg[]): [string[], string[], number[], number[]] {
  return [aggs.map((a) => a.sloId), aggs.map((a) => new Date(a.t).toISOString()), aggs.map((a) => a.good), aggs.map((a) => a.total)];
}

/**
 * Adds counts; returns how many distinct minutes were touched. Run it inside
 * the caller's transaction when the write must be atomic with something else
 * (an idempotency row, a cursor advance).
 */
export async function addSliCounts(sql: Sql | TransactionSql, rows: readonly SliCount[]): Promise<{ minutes: number }> {
  const usable = rows.filter((r) => r.total > 0 || r.good > 0);
  if (usable.length === 0) return { minutes: 0 };
  const minutes = aggregate(usable, MINUTE_MS);
  const hours = aggregate(usable, HOUR_MS);
  const days = aggregate(usable, DAY_MS);
  const [ms, mt, mg, mtot] = columns(minutes);
  const [hs, ht, hg, htot] = columns(hours);
  const [ds, dt, dg, dtot] = columns(days);
  // Sorted input keeps lock order stable across concurrent writers (no deadlocks between two batches).
  await sql`
    insert into sli_minutes (slo_id, minute, good, total)
    select * from unnest(${ms}::text[]::uuid[], ${mt}::text[]::timestamptz[], ${mg}::float8[], ${mtot}::float8[]) order by 1, 2
    on conflict (slo_id, minute) do update set good = sli_minutes.good + excluded.good, total = sli_minutes.total + excluded.total`;
  await sql`
    insert into sli_hours (slo_id, hour, good, total, slices_dirty)
    select u.s, u.t, u.g, u.n, o.budgeting_method <> 'occurrences'
    from unnest(${hs}::text[]::uuid[], ${ht}::text[]::timestamptz[], ${hg}::float8[], ${htot}::float8[]) as u(s, t, g, n) join slos o on o.id = u.s
    order by 1, 2
    on conflict (slo_id, hour) do update set good = sli_hours.good + excluded.good, total = sli_hours.total + excluded.total,
      slices_dirty = sli_hours.slices_dirty or excluded.slices_dirty`;
  await sql`
    insert into sli_days (slo_id, day, good, total, slices_dirty)
    select u.s, u.t, u.g, u.n, o.budgeting_method <> 'occurrences'
    from unnest(${ds}::text[]::uuid[], ${dt}::text[]::timestamptz[], ${dg}::float8[], ${dtot}::float8[]) as u(s, t, g, n) join slos o on o.id = u.s
    order by 1, 2
    on conflict (slo_id, day) do update set good = sli_days.good + excluded.good, total = sli_days.total + excluded.total,
      slices_dirty = sli_days.slices_dirty or excluded.slices_dirty`;
  return { minutes: minutes.length };
}
