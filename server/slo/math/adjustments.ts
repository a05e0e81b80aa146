/**
 * Budget adjustments and maintenance windows: time ranges whose data must not
 * count. The evaluator removes them from the minute buckets before summing.
 *
 * A minute bucket covers [minute, minute + 1 min). It is dropped when *any* part
 * of it overlaps an excluded range: a drill from 10:00:30 to 10:05:10 removes the
 * minutes 10:00 … 10:05, because the drill's errors may sit in either partial
 * minute and counting them would charge the budget for a planned event.
 */
import type { Counts } from "./budget";
import { MINUTE_MS, type TimeRange, ceilTo, floorTo } from "./time";

export interface MinuteBucket extends Counts {
  /** Start of the minute, UTC, minute-aligned. */
  minute: Date;
}

/** Ranges widened to whole minutes, sorted and merged, so overlapping adjustments are not counted twice. */
export function mergeExcludedRanges(ranges: readonly TimeRange[]): Array<{ start: number; end: number }> {
  const spans = ranges
    .map((r) => ({ start: floorTo(r.start.getTime(), MINUTE_MS), end: ceilTo(r.end.getTime(), MINUTE_MS) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const merged: Array<{ start: number; end: number }> = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** The buckets outside every excluded range, in their original order. */
export function subtractExcluded<B extends MinuteBucket>(buckets: readonly B[], ranges: readonly TimeRange[]): B[] {
  const merged = mergeExcludedRanges(ranges);
  if (merged.length === 0) return [...buckets];
  return buckets.filter((b) => {
    const m = floorTo(b.minute.getTime(), MINUTE_MS);
    // Ranges are minute-aligned after merging, so "overlaps [m, m+1)" is "start ≤ m < end".
    return !merged.some((r) => r.start <= m && m < r.end);
  });
}

/**
 * Whole minutes of `window` covered by excluded ranges. A time-slice SLO should
 * shrink its window by this much before sizing its minute budget, so excluded
 * time neither spends nor earns budget.
 */
export function excludedMinutesWithin(window: TimeRange, ranges: readonly TimeRange[]): number {
  const ws = window.start.getTime();
  const we = window.end.getTime();
  let ms = 0;
  for (const r of mergeExcludedRanges(ranges)) {
    const s = Math.max(r.start, ws);
    const e = Math.min(r.end, we);
    if (e > s) ms += e - s;
  }
  return Math.round(ms / MINUTE_MS);
}

export function sumCounts(buckets: readonly Counts[]): Counts {
  let good = 0;
  let total = 0;
  for (const b of buckets) {
    good += b.good;
    total += b.total;
  }
  return { good, total };
}
