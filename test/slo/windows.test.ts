import { describe, expect, it } from "vitest";
import { calendarWindow, dataEnd, resolveWindow, rollingWindow } from "@/server/slo/math/windows";

const iso = (d: Date) => d.toISOString();

describe("rolling windows", () => {
  it("end at the current whole minute and reach back N days", () => {
    const w = rollingWindow(new Date("2026-03-10T12:34:56.789Z"), 30);
    expect(iso(w.end)).toBe("2026-03-10T12:34:00.000Z");
    // 30 days before Mar 10 12:34 is Feb 8 12:34 (Feb 2026 has 28 days: 10 + (28 − 8) = 30).
    expect(iso(w.start)).toBe("2026-02-08T12:34:00.000Z");
    expect(w.minutes).toBe(43_200); // 30 × 1440
    expect(w.elapsedMinutes).toBe(43_200);
  });

  it("reject 0 days, fractions and absurd lengths", () => {
    const now = new Date("2026-03-10T00:00:00Z");
    expect(() => rollingWindow(now, 0)).toThrow(/whole number of days/);
    expect(() => rollingWindow(now, 1.5)).toThrow(/whole number of days/);
    expect(() => rollingWindow(now, 400)).toThrow(/whole number of days/);
    expect(() => rollingWindow(new Date("nope"), 7)).toThrow(/valid date/);
  });
});

describe("calendar windows (UTC)", () => {
  it("month: Jan 31 is still January, a minute after midnight Feb 1 is February", () => {
    const jan = calendarWindow(new Date("2026-01-31T23:59:59Z"), "month");
    expect([iso(jan.start), iso(jan.end)]).toEqual(["2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z"]);
    expect(jan.minutes).toBe(31 * 1440); // 44,640
    // Elapsed: 30 whole days + 23 h 59 min = 43,200 + 1,439 = 44,639 minutes.
    expect(jan.elapsedMinutes).toBe(44_639);

    const feb = calendarWindow(new Date("2026-02-01T00:01:00Z"), "month");
    expect([iso(feb.start), iso(feb.end)]).toEqual(["2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"]);
    expect(feb.minutes).toBe(28 * 1440); // 2026 is not a leap year: 40,320
    expect(feb.elapsedMinutes).toBe(1);
  });

  it("leap February 2028 has 29 days and includes Feb 29", () => {
    const w = calendarWindow(new Date("2028-02-29T12:00:00Z"), "month");
    expect([iso(w.start), iso(w.end)]).toEqual(["2028-02-01T00:00:00.000Z", "2028-03-01T00:00:00.000Z"]);
    expect(w.minutes).toBe(29 * 1440); // 41,760
  });

  it("December rolls over into the next year", () => {
    const w = calendarWindow(new Date("2026-12-15T00:00:00Z"), "month");
    expect(iso(w.end)).toBe("2027-01-01T00:00:00.000Z");
  });

  it("quarter starting Apr 1: Q2 = Apr + May + Jun = 30 + 31 + 30 = 91 days", () => {
    const w = calendarWindow(new Date("2026-04-01T00:00:00Z"), "quarter");
    expect([iso(w.start), iso(w.end)]).toEqual(["2026-04-01T00:00:00.000Z", "2026-07-01T00:00:00.000Z"]);
    expect(w.minutes).toBe(91 * 1440);
    expect(w.elapsedMinutes).toBe(0);
    // The last minute of March belongs to Q1 = 31 + 28 + 31 = 90 days in 2026.
    const q1 = calendarWindow(new Date("2026-03-31T23:59:00Z"), "quarter");
    expect(iso(q1.start)).toBe("2026-01-01T00:00:00.000Z");
    expect(q1.minutes).toBe(90 * 1440);
    // Leap-year Q1 2028 is 31 + 29 + 31 = 91 days; Q4 ends at the new year.
    expect(calendarWindow(new Date("2028-02-10T00:00:00Z"), "quarter").minutes).toBe(91 * 1440);
    expect(iso(calendarWindow(new Date("2026-11-05T00:00:00Z"), "quarter").end)).toBe("2027-01-01T00:00:00.000Z");
  });

  it("week starts Monday: a Sunday belongs to the week that began six days earlier", () => {
    // 2026-03-15 is a Sunday; its week began Monday 2026-03-09.
    expect(new Date("2026-03-15T00:00:00Z").getUTCDay()).toBe(0);
    const w = calendarWindow(new Date("2026-03-15T23:30:00Z"), "week");
    expect([iso(w.start), iso(w.end)]).toEqual(["2026-03-09T00:00:00.000Z", "2026-03-16T00:00:00.000Z"]);
    expect(w.minutes).toBe(7 * 1440);
    // Monday itself starts a new week.
    expect(iso(calendarWindow(new Date("2026-03-16T00:00:00Z"), "week").start)).toBe("2026-03-16T00:00:00.000Z");
    // A week may straddle a month and year end: Thu 2026-01-01 is in the week of Mon 2025-12-29.
    expect(iso(calendarWindow(new Date("2026-01-01T08:00:00Z"), "week").start)).toBe("2025-12-29T00:00:00.000Z");
  });

  it("resolveWindow dispatches and dataEnd stops at now for a calendar period", () => {
    const now = new Date("2026-03-10T12:34:56Z");
    const m = resolveWindow({ kind: "calendar", unit: "month" }, now);
    expect(iso(dataEnd(m))).toBe("2026-03-10T12:34:00.000Z");
    const r = resolveWindow({ kind: "rolling", days: 7 }, now);
    expect(iso(dataEnd(r))).toBe(iso(r.end));
  });
});
