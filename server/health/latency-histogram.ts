/**
 * A fixed log-scale latency histogram: 40 buckets whose upper bounds grow by
 * a constant ratio from 1 ms to 60 s (≈ ×1.33 per bucket, so a percentile read
 * back is within ±16 % of the exact value). Histograms of any span merge by
 * adding arrays element-wise — in SQL too (`hist_add`, `hist_sum`), which is
 * what `probe_rollups_1m.hist` relies on.
 *
 * Stored arrays may be shorter than BUCKETS (trailing zero buckets trimmed to
 * save space); every function here treats missing buckets as zero.
 */
export const BUCKETS = 40;
export const MIN_MS = 1;
export const MAX_MS = 60_000;
const RATIO = Math.pow(MAX_MS / MIN_MS, 1 / (BUCKETS - 1));
const LOG_RATIO = Math.log(RATIO);

/** Upper bound (inclusive) of bucket i: bucket 0 holds ≤ 1 ms, the last bucket everything above 45 s. */
export const upperBounds: readonly number[] = Array.from({ length: BUCKETS }, (_, i) => MIN_MS * Math.pow(RATIO, i));

export type Histogram = number[] | Int32Array;

export function emptyHistogram(): Int32Array {
  return new Int32Array(BUCKETS);
}

/** The bucket a latency falls in. */
export function bucketOf(ms: number): number {
  if (!(ms > MIN_MS)) return 0; // also NaN and negatives
  const i = Math.ceil(Math.log(ms / MIN_MS) / LOG_RATIO - 1e-9);
  return i >= BUCKETS ? BUCKETS - 1 : i;
}

export function record(hist: Int32Array, ms: number, count = 1): void {
  const i = bucketOf(ms);
  hist[i] = (hist[i] ?? 0) + count;
}

/** Adds `from` into `into` (which must have BUCKETS entries). */
export function mergeInto(into: Int32Array, from: Histogram): Int32Array {
  const n = Math.min(from.length, BUCKETS);
  for (let i = 0; i < n; i++) into[i] = (into[i] ?? 0) + (from[i] ?? 0);
  return into;
}

export function merge(...hists: Histogram[]): Int32Array {
  const out = emptyHistogram();
  for (const h of hists) mergeInto(out, h);
  return out;
}

export function total(hist: Histogram): number {
  let n = 0;
  for (let i = 0; i < hist.length; i++) n += hist[i] ?? 0;
  return n;
}

/**
 * The p-th percentile (0 < p ≤ 100) in ms, or null for an empty histogram.
 * Within the bucket that holds the rank, the value is interpolated
 * geometrically between the bucket's bounds by the rank's position in it.
 */
export function percentile(hist: Histogram, p: number): number | null {
  const n = total(hist);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * n));
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    const c = hist[i] ?? 0;
    if (c === 0) continue;
    if (seen + c >= rank) {
      const hi = upperBounds[i] ?? MAX_MS;
      if (i === 0) return hi;
      const lo = upperBounds[i - 1] ?? MIN_MS;
      const frac = (rank - seen) / c;
      return lo * Math.pow(hi / lo, frac);
    }
    seen += c;
  }
  return upperBounds[BUCKETS - 1] ?? MAX_MS;
}

/** PostgreSQL array literal with trailing empty buckets trimmed, e.g. `{0,3,12,1}`. */
export function toPgArrayLiteral(hist: Histogram): string {
  let end = hist.length;
  while (end > 1 && (hist[end - 1] ?? 0) === 0) end--;
  let s = "{";
  for (let i = 0; i < end; i++) s += (i ? "," : "") + String(hist[i] ?? 0);
  return s + "}";
}
