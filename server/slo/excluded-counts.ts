/**
 * What budget adjustments take out of each period (hour or UTC day), read
 * the way the evaluator reads windows: ranges merged and widened to whole
 * minutes, cut at period boundaries, each piece tiled from rollups and edge
 * minutes (readSpans). The SLO page's series and the monthly report subtract
 * these, so both agree with the budget figures; rollups outlive minute rows
 * (62 days), so old periods keep the whole hours of their adjustments.
 */
import type { Sql } from "postgres";
import { readSpans, spanKey, type SpanRequest } from "./evaluator/read-counts";
import { mergeExcludedRanges } from "./math/adjustments";
import { floorTo } from "./math/time";

export interface ExcludedRange {
  sloId: string;
  /** time-slice SLOs subtract good / total minutes, occurrence SLOs events */
  sliced: boolean;
  start: Date;
  end: Date;
}

export interface PeriodCounts {
  sloId: string;
  /** start of the period, epoch ms */
  t: number;
  good: number;
  total: number;
}

export async function excludedPerPeriod(sql: Sql, ranges: readonly ExcludedRange[], within: { start: number; end: number }, unitMs: number): Promise<PeriodCounts[]> {
  const bySlo = new Map<string, { sliced: boolean; ranges: Array<{ start: Date; end: Date }> }>();
  for (const r of ranges) {
    const e = bySlo.get(r.sloId) ?? { sliced: r.sliced, ranges: [] };
    e.ranges.push({ start: r.start, end: r.end });
    bySlo.set(r.sloId, e);
  }
  const pieces: Array<SpanRequest & { t: number; sliced: boolean }> = [];
  for (const [sloId, { sliced, ranges: rs }] of bySlo) {
    for (const r of mergeExcludedRanges(rs)) {
      for (let a = Math.max(r.start, within.start); a < Math.min(r.end, within.end); ) {
        const t = floorTo(a, unitMs);
        const b = Math.min(r.end, within.end, t + unitMs);
        pieces.push({ sloId, start: a, end: b, t, sliced });
        a = b;
      }
    }
  }
  if (pieces.length === 0) return [];
  const counts = await readSpans(sql, pieces);
  const out = new Map<string, PeriodCounts>();
  for (const p of pieces) {
    const c = counts.get(spanKey(p.sloId, p.start, p.end));
    const key = `${p.sloId}|${p.t}`;
    const acc = out.get(key) ?? { sloId: p.sloId, t: p.t, good: 0, total: 0 };
    acc.good += (p.sliced ? c?.sliceGood : c?.good) ?? 0;
    acc.total += (p.sliced ? c?.sliceTotal : c?.total) ?? 0;
    out.set(key, acc);
  }
  return [...out.values()];
}
