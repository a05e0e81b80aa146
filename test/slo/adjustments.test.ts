import { describe, expect, it } from "vitest";
import { type MinuteBucket, excludedMinutesWithin, mergeExcludedRanges, subtractExcluded, sumCounts } from "@/server/slo/math/adjustments";
import { budgetFigures } from "@/server/slo/math/budget";

const at = (hhmm: string) => new Date(`2026-03-10T${hhmm}:00Z`);
const r = (a: string, b: string) => ({ start: new Date(`2026-03-10T${a}Z`), end: new Date(`2026-03-10T${b}Z`) });

/** 10:00 … 10:09, 100 requests each; 10:02 and 10:03 (a planned drill) had 50 failures each. */
const buckets: MinuteBucket[] = Array.from({ length: 10 }, (_, i) => ({
  minute: at(`10:0${i}`),
  good: i === 2 || i === 3 ? 50 : 100,
  total: 100,
}));

describe("adjustments", () => {
  it("removing the drill's minutes restores the SLI", () => {
    // Before: good 900 of 1,000 = 90 %. Excluding 10:02–10:04: good 800 of 800 = 100 %.
    expect(sumCounts(buckets)).toEqual({ good: 900, total: 1000 });
    const kept = subtractExcluded(buckets, [r("10:02:00", "10:04:00")]);
    expect(kept.map((b) => b.minute.toISOString().slice(11, 16))).toEqual(["10:00", "10:01", "10:04", "10:05", "10:06", "10:07", "10:08", "10:09"]);
    expect(sumCounts(kept)).toEqual({ good: 800, total: 800 });
    expect(budgetFigures({ counts: sumCounts(kept), objective: 0.99, method: "occurrences", windowMinutes: 10 }).consumed).toBe(0);
  });

  it("a partly covered minute is excluded whole", () => {
    // 10:02:30 → 10:03:10 touches minutes 10:02 and 10:03.
    expect(subtractExcluded(buckets, [r("10:02:30", "10:03:10")])).toHaveLength(8);
    // An end exactly on a minute boundary does not take the next minute.
    const minutesKept = subtractExcluded(buckets, [r("10:02:00", "10:03:00")]).map((b) => b.minute.getUTCMinutes());
    expect(minutesKept).toContain(3);
    expect(minutesKept).not.toContain(2);
  });

  it("overlapping ranges merge and are not counted twice", () => {
    const ranges = [r("10:05:00", "10:08:00"), r("10:01:00", "10:03:00"), r("10:02:00", "10:04:00")];
    expect(mergeExcludedRanges(ranges).map((m) => [new Date(m.start).toISOString().slice(11, 16), new Date(m.end).toISOString().slice(11, 16)])).toEqual([
      ["10:01", "10:04"],
      ["10:05", "10:08"],
    ]);
    // 3 + 3 = 6 minutes inside 10:00–10:10; clipped to a 10:06–10:10 window: 2.
    expect(excludedMinutesWithin(r("10:00:00", "10:10:00"), ranges)).toBe(6);
    expect(excludedMinutesWithin(r("10:06:00", "10:10:00"), ranges)).toBe(2);
    expect(subtractExcluded(buckets, ranges)).toHaveLength(4);
  });

  it("no ranges keeps everything; empty or reversed ranges exclude nothing", () => {
    expect(subtractExcluded(buckets, [])).toHaveLength(10);
    expect(subtractExcluded(buckets, [r("10:05:00", "10:05:00"), r("10:06:00", "10:04:00")])).toHaveLength(10);
  });
});
