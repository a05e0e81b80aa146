import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import { assertObjective, budgetFigures, burnRate, errorBudget, projectedExhaustion, sliAchieved } from "@/server/slo/math/budget";

describe("objective", () => {
  it("rejects 0, 1 and anything outside (0, 1) with a field error", () => {
    for (const bad of [0, 1, -0.1, 1.5, 99.9, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => assertObjective(bad)).toThrow(/strictly between 0 and 1/);
    }
    try {
      assertObjective(1);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe("BAD_REQUEST");
      expect((e as AppError).fieldErrors?.objective).toBeDefined();
    }
    expect(() => assertObjective(0.999)).not.toThrow();
  });

  it("error budget is 1 − objective", () => {
    expect(errorBudget(0.999)).toBeCloseTo(0.001, 12);
    expect(errorBudget(0.95)).toBeCloseTo(0.05, 12);
  });
});

describe("SLI and burn rate", () => {
  it("zero traffic is no data: null, never NaN or 100 %", () => {
    expect(sliAchieved({ good: 0, total: 0 })).toBeNull();
    expect(burnRate({ good: 0, total: 0 }, 0.999)).toBeNull();
    const f = budgetFigures({ counts: { good: 0, total: 0 }, objective: 0.999, method: "occurrences", windowMinutes: 43_200 });
    expect(f).toMatchObject({ sli: null, consumed: null, remaining: null });
    const t = budgetFigures({ counts: { good: 0, total: 0 }, objective: 0.999, method: "timeslices", windowMinutes: 43_200 });
    expect(t).toMatchObject({ sli: null, consumed: null, remaining: null, consumedMinutes: null, remainingMinutes: null });
    expect(t.budgetMinutes).toBeCloseTo(43.2, 9);
  });

  it("rejects impossible counts instead of clamping them", () => {
    expect(() => sliAchieved({ good: 11, total: 10 })).toThrow(/good ≤ total/);
    expect(() => sliAchieved({ good: -1, total: 10 })).toThrow(/good ≤ total/);
    expect(() => sliAchieved({ good: Number.NaN, total: 10 })).toThrow(/good ≤ total/);
  });

  it("burn rate = (bad / total) / (1 − objective)", () => {
    // 99.9 %: 36 bad of 10,000 → error rate 0.0036 → 0.0036 / 0.001 = 3.6.
    expect(burnRate({ good: 9_964, total: 10_000 }, 0.999)).toBeCloseTo(3.6, 9);
    // 99 %: 1 bad of 100 → 0.01 / 0.01 = 1 (exactly on budget).
    expect(burnRate({ good: 99, total: 100 }, 0.99)).toBeCloseTo(1, 9);
    expect(burnRate({ good: 100, total: 100 }, 0.99)).toBe(0);
  });
});

describe("budget figures", () => {
  it("occurrences: 99.9 %, 1,000,000 requests, 250 bad → SLI 99.975 %, 25 % of budget used", () => {
    // error rate 250 / 1e6 = 0.00025; consumed = 0.00025 / 0.001 = 0.25; remaining 0.75.
    const f = budgetFigures({ counts: { good: 999_750, total: 1_000_000 }, objective: 0.999, method: "occurrences", windowMinutes: 43_200 });
    expect(f.sli).toBeCloseTo(0.99975, 12);
    expect(f.consumed).toBeCloseTo(0.25, 9);
    expect(f.remaining).toBeCloseTo(0.75, 9);
    expect(f.budgetMinutes).toBeUndefined();
  });

  it("overspent budget goes negative rather than being clamped", () => {
    // 3,000 bad of 1e6 at 99.9 %: 0.003 / 0.001 = 3 → remaining −2.
    const f = budgetFigures({ counts: { good: 997_000, total: 1_000_000 }, objective: 0.999, method: "occurrences", windowMinutes: 43_200 });
    expect(f.remaining).toBeCloseTo(-2, 9);
  });

  it("time slices: 99.9 % over 30 days allows 43.2 bad minutes; 11 bad minutes use 25.5 % of them", () => {
    // budget minutes = 0.001 × 43,200 = 43.2. 10,000 minutes of data, 11 of them bad:
    // consumed = 11 / 43.2 = 0.254629…, remaining minutes = 43.2 − 11 = 32.2.
    const f = budgetFigures({ counts: { good: 9_989, total: 10_000 }, objective: 0.999, method: "timeslices", windowMinutes: 43_200 });
    expect(f.budgetMinutes).toBeCloseTo(43.2, 9);
    expect(f.consumedMinutes).toBe(11);
    expect(f.remainingMinutes).toBeCloseTo(32.2, 9);
    expect(f.consumed).toBeCloseTo(11 / 43.2, 9);
    // The SLI is over minutes with data: 9,989 / 10,000.
    expect(f.sli).toBeCloseTo(0.9989, 12);
  });

  it("time slices cannot have more data minutes than the window", () => {
    expect(() => budgetFigures({ counts: { good: 10, total: 61 }, objective: 0.99, method: "timeslices", windowMinutes: 60 })).toThrow(/cannot have 61 minutes/);
  });
});

describe("projected exhaustion", () => {
  const now = new Date("2026-03-10T00:00:00Z");
  it("remaining × window / burn: 50 % left at burn 2 over 30 days lasts 7.5 days", () => {
    // 0.5 × 43,200 min / 2 = 10,800 min = 7.5 days → Mar 17 12:00.
    const at = projectedExhaustion({ now, remaining: 0.5, burnRate: 2, windowMinutes: 43_200 });
    expect(at?.toISOString()).toBe("2026-03-17T12:00:00.000Z");
  });
  it("burn 14.4 empties a full 30-day budget in 50 hours", () => {
    // 1 × 43,200 / 14.4 = 3,000 min = 50 h → Mar 12 02:00.
    expect(projectedExhaustion({ now, remaining: 1, burnRate: 14.4, windowMinutes: 43_200 })?.toISOString()).toBe("2026-03-12T02:00:00.000Z");
  });
  it("null without burn or data; now when already exhausted", () => {
    expect(projectedExhaustion({ now, remaining: 0.5, burnRate: 0, windowMinutes: 43_200 })).toBeNull();
    expect(projectedExhaustion({ now, remaining: 0.5, burnRate: null, windowMinutes: 43_200 })).toBeNull();
    expect(projectedExhaustion({ now, remaining: null, burnRate: 3, windowMinutes: 43_200 })).toBeNull();
    expect(projectedExhaustion({ now, remaining: -0.2, burnRate: 3, windowMinutes: 43_200 })?.toISOString()).toBe(now.toISOString());
  });
});
