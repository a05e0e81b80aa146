import { describe, expect, it } from "vitest";
import { allowedDowntime, allowedDowntimeMs, highestTierMet, slaTable } from "@/server/slo/math/sla-tiers";

const MIN = 60_000;

describe("SLA tiers", () => {
  it("99.9 % allows 43.2 min per 30-day month", () => {
    // 0.001 × 30 × 1440 min = 43.2 min = 2,592,000 ms.
    expect(allowedDowntimeMs(0.999, "month")).toBe(2_592_000);
    expect(allowedDowntimeMs(0.999, "month") / MIN).toBe(43.2);
  });

  it("99.99 % allows 52.596 min per 365.25-day year", () => {
    // 0.0001 × 365.25 × 1440 = 52.596 min = 3,155,760 ms.
    expect(allowedDowntimeMs(0.9999, "year")).toBe(3_155_760);
  });

  it("the full row for 99.9 %", () => {
    // day 0.001 × 86,400 s = 86.4 s; week × 7 = 604.8 s; quarter 0.001 × 91.3125 d = 7,889.4 s; year 31,557.6 s.
    expect(allowedDowntime(0.999)).toEqual({ day: 86_400, week: 604_800, month: 2_592_000, quarter: 7_889_400, year: 31_557_600 });
  });

  it("the common table and a custom objective", () => {
    const table = slaTable();
    expect(table.map((row) => row.objective)).toEqual([0.99, 0.995, 0.999, 0.9995, 0.9999]);
    // 99 % per day: 0.01 × 1440 min = 14.4 min; 99.5 %: 7.2 min; 99.95 % per 30 d: 0.0005 × 43,200 = 21.6 min.
    expect(table[0]?.downtimeMs.day).toBe(14.4 * MIN);
    expect(table[1]?.downtimeMs.day).toBe(7.2 * MIN);
    expect(table[3]?.downtimeMs.month).toBe(21.6 * MIN);
    // Custom 97 % per week: 0.03 × 7 × 1440 = 302.4 min.
    expect(allowedDowntimeMs(0.97, "week")).toBe(302.4 * MIN);
    expect(() => allowedDowntimeMs(1, "day")).toThrow(/strictly between 0 and 1/);
  });

  it("places an actual availability among the tiers", () => {
    expect(highestTierMet(0.9996)).toBe(0.9995);
    expect(highestTierMet(0.99)).toBe(0.99);
    expect(highestTierMet(0.98)).toBeNull();
    expect(highestTierMet(null)).toBeNull();
  });
});
