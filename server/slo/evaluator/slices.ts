/**
 * The time-slice view of SLI counts. A minute is one slice:
 *  - timeslices: the minute is good when good ≥ target × total (and it had traffic);
 *  - ratio_timeslices: the minute contributes its own ratio good / total;
 * and it counts towards slice_total when it had traffic at all.
 *
 * Hour and day rollups carry slice_good / slice_total, recounted here for the
 * rows a write marked `slices_dirty` (write-buckets.ts cannot do it: a slice
 * depends on the whole minute, which several writes may build up).
 */
import type { TransactionSql } from "postgres";

/**
 * Relative tolerance for "good ≥ target × total": 0.95 × 100 is 94.99999999999999
 * in floating point, and a minute with exactly 95 of 100 good must count as good.
 */
export const SLICE_EPSILON = 1e-9;

/** Slice value of one minute in JS (same rule as the SQL below), for tests and previews. */
export function minuteSlice(method: "timeslices" | "ratio_timeslices", target: number | null, good: number, total: number): { good: number; total: number } {
  if (!(total > 0)) return { good: 0, total: 0 };
  if (method === "ratio_timeslices") return { good: Math.min(1, good / total), total: 1 };
  return { good: good >= (target ?? 1) * total * (1 - SLICE_EPSILON) ? 1 : 0, total: 1 };
}

/**
 * Recounts the dirty hour and day rollups of the given time-slice SLOs and
 * clears their flags, in the caller's transaction. Rows are locked first (in
 * the writers' order: hours, then days) so a write that commits in between
 * either is counted here or marks the row dirty again after us — a flag is
 * never cleared over counts that miss a committed minute.
 */
export async function recountDirtySlices(tx: TransactionSql, sloIds: readonly string[]): Promise<{ hours: number; days: number }> {
  if (sloIds.length === 0) return { hours: 0, days: 0 };
  const ids = sloIds as string[];
  await tx`select 1 from sli_hours where slo_id = any(${ids}::uuid[]) and slices_dirty order by slo_id, hour for update`;
  await tx`select 1 from sli_days where slo_id = any(${ids}::uuid[]) and slices_dirty order by slo_id, day for update`;
  const hours = await tx`
    update sli_hours h set slice_good = x.sg, slice_total = x.st, slices_dirty = false
    from (
      select h2.slo_id, h2.hour,
        coalesce(sum(case
          when m.total is null or m.total <= 0 then 0
          when s.budgeting_method = 'ratio_timeslices' then least(1, m.good / m.total)
          when m.good >= coalesce(s.timeslice_target, 1) * m.total * (1 - ${SLICE_EPSILON}::float8) then 1
          else 0 end), 0) as sg,
        coalesce(sum(case when m.total > 0 then 1 else 0 end), 0) as st
      from sli_hours h2
      join slos s on s.id = h2.slo_id
      left join sli_minutes m on m.slo_id = h2.slo_id and m.minute >= h2.hour and m.minute < h2.hour + interval '1 hour'
      where h2.slo_id = any(${ids}::uuid[]) and h2.slices_dirty
      group by h2.slo_id, h2.hour
    ) x
    where h.slo_id = x.slo_id and h.hour = x.hour`;
  const days = await tx`
    update sli_days d set slice_good = x.sg, slice_total = x.st, slices_dirty = false
    from (
      select d2.slo_id, d2.day, coalesce(sum(h.slice_good), 0) as sg, coalesce(sum(h.slice_total), 0) as st
      from sli_days d2
      left join sli_hours h on h.slo_id = d2.slo_id and h.hour >= d2.day and h.hour < d2.day + interval '1 day'
      where d2.slo_id = any(${ids}::uuid[]) and d2.slices_dirty
      group by d2.slo_id, d2.day
    ) x
    where d.slo_id = x.slo_id and d.day = x.day`;
  return { hours: hours.count, days: days.count };
}
