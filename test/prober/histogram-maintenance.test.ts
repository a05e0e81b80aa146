/**
 * The latency histogram against exact percentiles, and maintenance windows
 * (one-off, weekly, by component or by service). Pure.
 */
import { describe, expect, it } from "vitest";
import { BUCKETS, bucketOf, emptyHistogram, merge, percentile, record, toPgArrayLiteral, total, upperBounds } from "@/server/health/latency-histogram";
import { inMaintenance, MaintenanceIndex, type MaintenanceWindow, windowCovers } from "@/server/health/maintenance";

function exact(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A seeded generator, so a failure reproduces. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe("latency histogram", () => {
  it("has 40 log-scale buckets from 1 ms to 60 s", () => {
    expect(BUCKETS).toBe(40);
    expect(upperBounds[0]).toBe(1);
    expect(upperBounds[39]).toBeCloseTo(60_000, 3);
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(1)).toBe(0);
    expect(bucketOf(1.01)).toBe(1);
    expect(bucketOf(upperBounds[10]!)).toBe(10);
    expect(bucketOf(1e9)).toBe(39);
    expect(bucketOf(Number.NaN)).toBe(0);
  });

  it.each([
    ["uniform 1–100 ms", (r: () => number) => 1 + r() * 99],
    ["log-normal around 20 ms", (r: () => number) => Math.exp(Math.log(20) + (r() + r() + r() - 1.5) * 1.5)],
    ["bimodal: fast and 200–2000 ms", (r: () => number) => (r() < 0.1 ? 200 + r() * 1800 : 2 + r() * 8)],
  ])("percentiles are within one bucket's error of the exact ones: %s", (_name, gen) => {
    const r = rng(42);
    const values = Array.from({ length: 20_000 }, () => gen(r));
    const h = emptyHistogram();
    for (const v of values) record(h, v);
    expect(total(h)).toBe(values.length);
    const ratio = upperBounds[1]! / upperBounds[0]!;
    for (const p of [50, 90, 95, 99, 99.9]) {
      const want = exact(values, p);
      const got = percentile(h, p)!;
      expect(got / want).toBeGreaterThan(1 / ratio);
      expect(got / want).toBeLessThan(ratio);
    }
  });

  it("merging histograms equals recording everything into one", () => {
    const a = emptyHistogram();
    const b = emptyHistogram();
    const all = emptyHistogram();
    for (let i = 1; i < 500; i++) {
      record(i % 2 ? a : b, i * 3);
      record(all, i * 3);
    }
    expect([...merge(a, b)]).toEqual([...all]);
    expect(percentile(merge(a, b), 99)).toBe(percentile(all, 99));
  });

  it("reads trimmed arrays (as stored) and an empty histogram has no percentile", () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([0, 0, 4], 50)).toBeCloseTo(Math.sqrt(upperBounds[1]! * upperBounds[2]!) ** 1, -1);
    const h = emptyHistogram();
    record(h, 3);
    record(h, 3);
    expect(toPgArrayLiteral(h)).toBe(`{${Array.from({ length: bucketOf(3) }, () => 0).join(",")},2}`);
    expect(toPgArrayLiteral(emptyHistogram())).toBe("{0}");
  });
});

const d = (s: string) => new Date(s);
const w = (o: Partial<MaintenanceWindow>): MaintenanceWindow => ({
  id: "w",
  componentId: null,
  serviceId: null,
  startsAt: d("2026-03-02T22:00:00Z"),
  endsAt: d("2026-03-03T01:00:00Z"),
  recurrence: null,
  ...o,
});
const at = (s: string) => d(s).getTime();

describe("maintenance windows", () => {
  it("one-off: covers [start, end)", () => {
    const win = w({});
    expect(windowCovers(win, at("2026-03-02T21:59:59Z"))).toBe(false);
    expect(windowCovers(win, at("2026-03-02T22:00:00Z"))).toBe(true);
    expect(windowCovers(win, at("2026-03-03T00:59:59Z"))).toBe(true);
    expect(windowCovers(win, at("2026-03-03T01:00:00Z"))).toBe(false);
  });

  it("weekly: on the listed UTC weekdays at the start's time of day, also across midnight, never before the first start", () => {
    // 2026-03-02 is a Monday (1). Weekly on Monday and Wednesday, 22:00 for 3 h.
    const win = w({ recurrence: { weekly: { days: [1, 3] } } });
    expect(windowCovers(win, at("2026-03-09T23:00:00Z"))).toBe(true); // next Monday
    expect(windowCovers(win, at("2026-03-10T00:30:00Z"))).toBe(true); // Monday's window after midnight
    expect(windowCovers(win, at("2026-03-10T01:30:00Z"))).toBe(false);
    expect(windowCovers(win, at("2026-03-11T22:30:00Z"))).toBe(true); // Wednesday
    expect(windowCovers(win, at("2026-03-12T22:30:00Z"))).toBe(false); // Thursday
    expect(windowCovers(win, at("2026-02-23T22:30:00Z"))).toBe(false); // a Monday before the first start
  });

  it("applies to its component, or to every component of its service", () => {
    const windows = [w({ id: "a", componentId: "c1" }), w({ id: "b", serviceId: "s2" })];
    const t = at("2026-03-02T23:00:00Z");
    const idx = new MaintenanceIndex(windows);
    expect([idx.covers("c1", "s1", t), idx.covers("c2", "s1", t), idx.covers("c3", "s2", t)]).toEqual([true, false, true]);
    expect([inMaintenance(windows, "c1", "s1", t), inMaintenance(windows, "c2", "s1", t), inMaintenance(windows, "c3", "s2", t)]).toEqual([true, false, true]);
    expect(idx.covers("c1", "s1", at("2026-03-04T23:00:00Z"))).toBe(false);
  });
});
