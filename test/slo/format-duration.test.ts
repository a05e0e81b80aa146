import { describe, expect, it } from "vitest";
import { formatDowntime } from "@/components/slo/format-duration";
import { formatObjectivePercent, parseObjectivePercent } from "@/components/slo/objective";
import { allowedDowntime, allowedDowntimeMs } from "@/server/slo/math/sla-tiers";

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;

describe("formatDowntime", () => {
  it("from a minute up: every non-zero unit, seconds rounded", () => {
    expect(formatDowntime(86_400)).toBe("1m 26s"); // 99.9 % per day: 86.4 s
    expect(formatDowntime(2_592_000)).toBe("43m 12s"); // 99.9 % per 30-day month
    expect(formatDowntime(31_557_600)).toBe("8h 45m 58s"); // 99.9 % per 365.25-day year: 31,557.6 s
    expect(formatDowntime(31_536_000)).toBe("8h 45m 36s"); // the same over a 365-day year
    expect(formatDowntime(7 * H + 12 * MIN)).toBe("7h 12m"); // zero seconds are left out
    expect(formatDowntime(3 * D + 5 * MIN)).toBe("3d 5m"); // and zero hours
    expect(formatDowntime(2 * D)).toBe("2d");
    expect(formatDowntime(60 * MIN)).toBe("1h");
    expect(formatDowntime(90.5 * S)).toBe("1m 31s"); // half rounds up
    expect(formatDowntime(90.4 * S)).toBe("1m 30s");
  });

  it("under a minute: one decimal, trailing .0 dropped", () => {
    expect(formatDowntime(21_600)).toBe("21.6s"); // 99.975 % per day
    expect(formatDowntime(8_640)).toBe("8.6s"); // 99.99 % per day
    expect(formatDowntime(45 * S)).toBe("45s");
    expect(formatDowntime(1_000)).toBe("1s");
    expect(formatDowntime(1_049)).toBe("1s");
    expect(formatDowntime(1_050)).toBe("1.1s");
  });

  it("rounding never shows 60s or 1000ms", () => {
    expect(formatDowntime(59_940)).toBe("59.9s");
    expect(formatDowntime(59_960)).toBe("1m");
    expect(formatDowntime(999.4)).toBe("999ms");
    expect(formatDowntime(999.6)).toBe("1s");
    expect(formatDowntime(3_599_600)).toBe("1h");
  });

  it("under a second: whole milliseconds, never a misleading 0", () => {
    expect(formatDowntime(864)).toBe("864ms"); // 99.999 % per day
    expect(formatDowntime(0.2)).toBe("1ms");
    expect(formatDowntime(0)).toBe("0s");
  });

  it("impossible input reads as a dash", () => {
    expect(formatDowntime(-1)).toBe("—");
    expect(formatDowntime(Number.NaN)).toBe("—");
    expect(formatDowntime(Number.POSITIVE_INFINITY)).toBe("—");
  });

  it("the common rows as the SLA tiers page shows them", () => {
    const row = (o: number) => Object.values(allowedDowntime(o)).map(formatDowntime);
    // day, week, month (30 d), quarter (91.3125 d), year (365.25 d)
    expect(row(0.99)).toEqual(["14m 24s", "1h 40m 48s", "7h 12m", "21h 54m 54s", "3d 15h 39m 36s"]);
    expect(row(0.995)).toEqual(["7m 12s", "50m 24s", "3h 36m", "10h 57m 27s", "1d 19h 49m 48s"]);
    expect(row(0.999)).toEqual(["1m 26s", "10m 5s", "43m 12s", "2h 11m 29s", "8h 45m 58s"]);
    expect(row(0.9995)).toEqual(["43.2s", "5m 2s", "21m 36s", "1h 5m 45s", "4h 22m 59s"]);
    expect(row(0.9999)).toEqual(["8.6s", "1m", "4m 19s", "13m 9s", "52m 36s"]);
    expect(formatDowntime(allowedDowntimeMs(0.99975, "day"))).toBe("21.6s");
  });
});

describe("parseObjectivePercent", () => {
  it("an empty field is no objective and no error", () => {
    expect(parseObjectivePercent("")).toBeNull();
    expect(parseObjectivePercent("   ")).toBeNull();
    expect(parseObjectivePercent("%")).toBeNull();
  });

  it("reads a percentage into a fraction without float noise", () => {
    expect(parseObjectivePercent("99.975")).toEqual({ ok: true, objective: 0.99975 });
    expect(parseObjectivePercent(" 99.9 % ")).toEqual({ ok: true, objective: 0.999 });
    expect(parseObjectivePercent("99,5")).toEqual({ ok: true, objective: 0.995 });
    expect(parseObjectivePercent("97")).toEqual({ ok: true, objective: 0.97 });
    expect(parseObjectivePercent(".5")).toEqual({ ok: true, objective: 0.005 });
  });

  it("refuses 0, 100 and anything outside, with a message", () => {
    for (const text of ["0", "100", "100.0", "150", "-5"]) {
      const r = parseObjectivePercent(text);
      expect(r?.ok, text).toBe(false);
    }
    const range = { ok: false, error: "The objective must be greater than 0% and less than 100%." };
    expect(parseObjectivePercent("100")).toEqual(range);
    expect(parseObjectivePercent("-5")).toEqual(range);
    expect(parseObjectivePercent("0.0")).toEqual(range);
  });

  it("refuses what is not a number", () => {
    for (const text of ["abc", "99.9.9", "1e2", "99.9x", "Infinity", "--1"]) {
      const r = parseObjectivePercent(text);
      expect(r?.ok, text).toBe(false);
      if (r && !r.ok) expect(r.error).toMatch(/percentage/);
    }
  });
});

describe("formatObjectivePercent", () => {
  it("shows objectives as people type them", () => {
    expect(formatObjectivePercent(0.999)).toBe("99.9%");
    expect(formatObjectivePercent(0.99975)).toBe("99.975%");
    expect(formatObjectivePercent(0.9999)).toBe("99.99%");
    expect(formatObjectivePercent(0.99)).toBe("99%");
  });
});
