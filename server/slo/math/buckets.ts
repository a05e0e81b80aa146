/**
 * Per-minute good/total buckets, their hourly and daily rollups, and reading a
 * window from a mix of them.
 *
 * A 30-day window is 43,200 minutes but only ~30 days + ≤ 46 hours + ≤ 118
 * minutes when read at the coarsest resolution that fits: whole UTC days in the
 * middle, whole hours at the ragged ends, minutes only at the very edges.
 * `readWindow` never uses a row that sticks out of the window, so the sum is
 * exact; where a rollup row is missing (not folded yet) it descends to the next
 * finer resolution for that period only.
 *
 * Contract with the caller: a rollup row stands for its *whole* period, so pass
 * only rows whose period has been fully folded (or is fully in the past and
 * caught up). A minute without a row is a minute without traffic.
 */
import { AppError } from "@/server/errors";
import type { MinuteBucket } from "./adjustments";
import type { Counts } from "./budget";
import { DAY_MS, HOUR_MS, MINUTE_MS, type TimeRange, ceilTo, floorTo } from "./time";

export type Resolution = "minute" | "hour" | "day";

/** A rollup row: counts for [start, start + 1 hour or day). */
export interface Bucket extends Counts {
  start: Date;
}

/**
 * Sums rows into periods of `unitMs` (HOUR_MS or DAY_MS), ascending by start.
 * The result is the delta to add to stored rollups (`good = good + excluded.good`
 * on conflict), so an incremental cycle folds only the minutes it just wrote.
 */
function foldInto(rows: Iterable<{ at: number; good: number; total: number }>, unitMs: number): Bucket[] {
  const sums = new Map<number, Counts>();
  for (const r of rows) {
    const key = floorTo(r.at, unitMs);
    const s = sums.get(key);
    if (s) {
      s.good += r.good;
      s.total += r.total;
    } else sums.set(key, { good: r.good, total: r.total });
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([start, c]) => ({ start: new Date(start), good: c.good, total: c.total }));
}

export function foldMinutesToHours(minutes: readonly MinuteBucket[]): Bucket[] {
  return foldInto(minutes.map((m) => ({ at: m.minute.getTime(), good: m.good, total: m.total })), HOUR_MS);
}

/** Days from hourly rows (or from any finer rows: only the start time matters). */
export function foldToDays(rows: readonly Bucket[]): Bucket[] {
  return foldInto(rows.map((r) => ({ at: r.start.getTime(), good: r.good, total: r.total })), DAY_MS);
}

export interface WindowSegment {
  resolution: Resolution;
  start: Date;
  end: Date;
}

type Emit = (resolution: Resolution, start: number, end: number) => void;
interface Presence {
  day: (start: number) => boolean;
  hour: (start: number) => boolean;
}

/** Splits [s, e) into whole units of `unitMs` inside it, handing the ragged ends and missing units to `finer`. */
function tileLevel(s: number, e: number, unitMs: number, has: (start: number) => boolean, res: Resolution, emit: Emit, finer: (s: number, e: number) => void): void {
  if (s >= e) return;
  const first = ceilTo(s, unitMs);
  const last = floorTo(e, unitMs);
  if (first >= last) return finer(s, e);
  finer(s, first);
  for (let t = first; t < last; t += unitMs) {
    if (has(t)) emit(res, t, t + unitMs);
    else finer(t, t + unitMs);
  }
  finer(last, e);
}

function tile(s: number, e: number, has: Presence, emit: Emit): void {
  const minutes = (a: number, b: number) => {
    if (a < b) emit("minute", a, b);
  };
  const hours = (a: number, b: number) => tileLevel(a, b, HOUR_MS, has.hour, "hour", emit, minutes);
  tileLevel(s, e, DAY_MS, has.day, "day", emit, hours);
}

function assertMinuteRange(range: TimeRange): { s: number; e: number } {
  const s = range.start.getTime();
  const e = range.end.getTime();
  if (!Number.isFinite(s) || !Number.isFinite(e) || s % MINUTE_MS !== 0 || e % MINUTE_MS !== 0 || e < s) {
    throw new AppError("BAD_REQUEST", "A window read must be a minute-aligned range with start ≤ end");
  }
  return { s, e };
}

/**
 * The ranges to fetch per resolution when every rollup exists: what the
 * evaluator's query asks for. Adjacent segments of one resolution are merged.
 */
export function planWindowRead(range: TimeRange): WindowSegment[] {
  const { s, e } = assertMinuteRange(range);
  const out: WindowSegment[] = [];
  tile(s, e, { day: () => true, hour: () => true }, (resolution, a, b) => {
    const prev = out[out.length - 1];
    if (prev && prev.resolution === resolution && prev.end.getTime() === a) prev.end = new Date(b);
    else out.push({ resolution, start: new Date(a), end: new Date(b) });
  });
  // Order by time so the plan reads like a timeline.
  return out.sort((x, y) => x.start.getTime() - y.start.getTime());
}

export interface AvailableRows {
  day: readonly Bucket[];
  hour: readonly Bucket[];
  minute: readonly MinuteBucket[];
}

export interface WindowRead extends Counts {
  /** Rows actually summed, per resolution — a 30-day window should stay in the hundreds. */
  rowsRead: Record<Resolution, number>;
}

/** Exact good/total over a minute-aligned [start, end) from whatever rollups exist. */
export function readWindow(range: TimeRange, rows: AvailableRows): WindowRead {
  const { s, e } = assertMinuteRange(range);
  const byStart = (bs: readonly Bucket[]) => new Map(bs.map((b) => [b.start.getTime(), b] as const));
  const days = byStart(rows.day);
  const hours = byStart(rows.hour);
  // Minute rows sorted with prefix sums: a minute range is two binary searches, not a scan.
  const mins = rows.minute.map((m) => ({ at: m.minute.getTime(), good: m.good, total: m.total })).sort((a, b) => a.at - b.at);
  const preGood = [0];
  const preTotal = [0];
  for (const m of mins) {
    preGood.push((preGood[preGood.length - 1] ?? 0) + m.good);
    preTotal.push((preTotal[preTotal.length - 1] ?? 0) + m.total);
  }
  const lowerBound = (t: number): number => {
    let lo = 0;
    let hi = mins.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((mins[mid]?.at ?? Infinity) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const out: WindowRead = { good: 0, total: 0, rowsRead: { day: 0, hour: 0, minute: 0 } };
  tile(s, e, { day: (t) => days.has(t), hour: (t) => hours.has(t) }, (resolution, a, b) => {
    if (resolution === "minute") {
      const i = lowerBound(a);
      const j = lowerBound(b);
      out.good += (preGood[j] ?? 0) - (preGood[i] ?? 0);
      out.total += (preTotal[j] ?? 0) - (preTotal[i] ?? 0);
      out.rowsRead.minute += j - i;
      return;
    }
    const row = (resolution === "day" ? days : hours).get(a);
    if (!row) return; // unreachable: tile only emits periods reported present
    out.good += row.good;
    out.total += row.total;
    out.rowsRead[resolution] += 1;
  });
  return out;
}
