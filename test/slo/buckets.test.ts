import { describe, expect, it } from "vitest";
import type { MinuteBucket } from "@/server/slo/math/adjustments";
import { type Bucket, foldMinutesToHours, foldToDays, planWindowRead, readWindow } from "@/server/slo/math/buckets";

const MIN = 60_000;
const t = (s: string) => new Date(s).getTime();

/** One minute row per minute in [from, to): total 10, good 10 except every 7th minute (good 9). */
function minutes(from: string, to: string): MinuteBucket[] {
  const out: MinuteBucket[] = [];
  for (let m = t(from); m < t(to); m += MIN) out.push({ minute: new Date(m), good: (m / MIN) % 7 === 0 ? 9 : 10, total: 10 });
  return out;
}
const brute = (rows: MinuteBucket[], from: string, to: string) => {
  const inRange = rows.filter((r) => r.minute.getTime() >= t(from) && r.minute.getTime() < t(to));
  return { good: inRange.reduce((a, r) => a + r.good, 0), total: inRange.reduce((a, r) => a + r.total, 0) };
};

describe("folding", () => {
  it("sums minutes into UTC hours and hours into UTC days", () => {
    const rows: MinuteBucket[] = [
      { minute: new Date("2026-03-01T23:58:00Z"), good: 5, total: 6 },
      { minute: new Date("2026-03-01T23:59:00Z"), good: 4, total: 4 },
      { minute: new Date("2026-03-02T00:00:00Z"), good: 1, total: 3 },
    ];
    const hours = foldMinutesToHours(rows);
    expect(hours.map((h) => [h.start.toISOString(), h.good, h.total])).toEqual([
      ["2026-03-01T23:00:00.000Z", 9, 10],
      ["2026-03-02T00:00:00.000Z", 1, 3],
    ]);
    const days = foldToDays([...hours, { start: new Date("2026-03-01T05:00:00Z"), good: 100, total: 100 }]);
    expect(days.map((d) => [d.start.toISOString(), d.good, d.total])).toEqual([
      ["2026-03-01T00:00:00.000Z", 109, 110],
      ["2026-03-02T00:00:00.000Z", 1, 3],
    ]);
  });
});

describe("planWindowRead", () => {
  it("tiles a ragged 30-day window with minutes, hours, days, hours, minutes", () => {
    // [Feb 8 12:34, Mar 10 12:34): minutes 12:34→13:00 (26), hours 13→24 (11), days Feb 9 → Mar 10 (29),
    // hours 00→12 (12), minutes 12:00→12:34 (34). 26 + 11×60 + 29×1440 + 12×60 + 34 = 43,200 minutes.
    const plan = planWindowRead({ start: new Date("2026-02-08T12:34:00Z"), end: new Date("2026-03-10T12:34:00Z") });
    expect(plan.map((p) => [p.resolution, p.start.toISOString().slice(5, 16), p.end.toISOString().slice(5, 16)])).toEqual([
      ["minute", "02-08T12:34", "02-08T13:00"],
      ["hour", "02-08T13:00", "02-09T00:00"],
      ["day", "02-09T00:00", "03-10T00:00"],
      ["hour", "03-10T00:00", "03-10T12:00"],
      ["minute", "03-10T12:00", "03-10T12:34"],
    ]);
    const covered = plan.reduce((a, p) => a + (p.end.getTime() - p.start.getTime()) / MIN, 0);
    expect(covered).toBe(43_200);
  });

  it("a window inside one hour is minutes only; a day-aligned one is days only", () => {
    expect(planWindowRead({ start: new Date("2026-03-10T12:05:00Z"), end: new Date("2026-03-10T12:10:00Z") }).map((p) => p.resolution)).toEqual(["minute"]);
    expect(planWindowRead({ start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-03-08T00:00:00Z") }).map((p) => p.resolution)).toEqual(["day"]);
  });

  it("rejects unaligned or reversed ranges", () => {
    expect(() => planWindowRead({ start: new Date("2026-03-10T12:05:30Z"), end: new Date("2026-03-10T13:00:00Z") })).toThrow(/minute-aligned/);
    expect(() => planWindowRead({ start: new Date("2026-03-10T13:00:00Z"), end: new Date("2026-03-10T12:00:00Z") })).toThrow(/minute-aligned/);
  });
});

describe("readWindow", () => {
  // Three days of minute data, Mar 1 00:00 → Mar 4 00:00, with every rollup available.
  const all = minutes("2026-03-01T00:00:00Z", "2026-03-04T00:00:00Z");
  const hour = foldMinutesToHours(all);
  const day = foldToDays(hour);
  const range = { start: new Date("2026-03-01T22:17:00Z"), end: new Date("2026-03-03T01:45:00Z") };

  it("sums exactly what the raw minutes sum, reading the coarsest rows", () => {
    const r = readWindow(range, { day, hour, minute: all });
    expect({ good: r.good, total: r.total }).toEqual(brute(all, "2026-03-01T22:17:00Z", "2026-03-03T01:45:00Z"));
    // 22:17→23:00 = 43 minutes, 23:00→24:00 = 1 hour, Mar 2 = 1 day, 00:00→01:00 = 1 hour, 01:00→01:45 = 45 minutes.
    expect(r.rowsRead).toEqual({ day: 1, hour: 2, minute: 88 });
  });

  it("falls back to hours for a day without a daily row, and to minutes for an hour without an hourly row", () => {
    const missingDay = day.filter((d) => d.start.toISOString() !== "2026-03-02T00:00:00.000Z");
    const missingHour: Bucket[] = hour.filter((h) => h.start.toISOString() !== "2026-03-02T05:00:00.000Z");
    const r = readWindow(range, { day: missingDay, hour: missingHour, minute: all });
    expect({ good: r.good, total: r.total }).toEqual(brute(all, "2026-03-01T22:17:00Z", "2026-03-03T01:45:00Z"));
    // Mar 2 is now 23 hourly rows + 60 minute rows for 05:00.
    expect(r.rowsRead).toEqual({ day: 0, hour: 2 + 23, minute: 88 + 60 });
  });

  it("never uses a daily row that sticks out of the window", () => {
    // Window inside Mar 2 (not day-aligned): the Mar 2 daily row must not be read.
    const r = readWindow({ start: new Date("2026-03-02T00:00:00Z"), end: new Date("2026-03-02T23:00:00Z") }, { day, hour, minute: all });
    expect(r.rowsRead.day).toBe(0);
    expect(r.rowsRead.hour).toBe(23);
    expect(r.total).toBe(23 * 60 * 10);
  });

  it("missing minute rows mean zero traffic", () => {
    const r = readWindow({ start: new Date("2026-03-05T10:00:00Z"), end: new Date("2026-03-05T10:30:00Z") }, { day, hour, minute: all });
    expect(r).toEqual({ good: 0, total: 0, rowsRead: { day: 0, hour: 0, minute: 0 } });
  });

  it("a 30-day window reads hundreds of rows, not tens of thousands", () => {
    const month = minutes("2026-02-01T00:00:00Z", "2026-03-10T13:00:00Z");
    const h = foldMinutesToHours(month);
    const d = foldToDays(h);
    const w = { start: new Date("2026-02-08T12:34:00Z"), end: new Date("2026-03-10T12:34:00Z") };
    const r = readWindow(w, { day: d, hour: h, minute: month });
    expect({ good: r.good, total: r.total }).toEqual(brute(month, "2026-02-08T12:34:00Z", "2026-03-10T12:34:00Z"));
    expect(r.total).toBe(43_200 * 10);
    // 29 days + 23 hours + 60 minutes (see planWindowRead test).
    expect(r.rowsRead).toEqual({ day: 29, hour: 23, minute: 60 });
  });
});
