import { describe, expect, it } from "vitest";
import { budgetFigures, type Counts } from "@/server/slo/math/budget";
import {
  WORKBOOK_RULES,
  alertWindowsNeeded,
  budgetSpentAtThreshold,
  effectiveRules,
  evaluateBurnAlerts,
  scaledThreshold,
  windowLabel,
} from "@/server/slo/math/burn-alerts";
import { sloState } from "@/server/slo/math/slo-state";

const DAYS = 1440;
const thresholds = (windowMinutes: number) => Object.fromEntries(effectiveRules({ windowMinutes }).map((r) => [r.name, r.threshold]));

describe("thresholds", () => {
  it("reproduce the workbook table for a 30-day window", () => {
    // threshold = fraction × 720 h / long window:
    // 0.02 × 720 / 1 = 14.4; 0.05 × 720 / 6 = 6; 0.10 × 720 / 24 = 3; 0.10 × 720 / 72 = 1.
    const t = thresholds(30 * DAYS);
    expect(t["page-1h"]).toBeCloseTo(14.4, 9);
    expect(t["page-6h"]).toBeCloseTo(6, 9);
    expect(t["ticket-24h"]).toBeCloseTo(3, 9);
    expect(t["ticket-3d"]).toBeCloseTo(1, 9);
    // And back: 14.4 × 1 h of 720 h = 2 % of the budget.
    const page1h = effectiveRules({ windowMinutes: 30 * DAYS })[0];
    expect(page1h && budgetSpentAtThreshold(page1h, 30 * DAYS)).toBeCloseTo(0.02, 12);
  });

  it("scale for a 7-day window (168 h)", () => {
    // 0.02 × 168 = 3.36; 0.05 × 168 / 6 = 1.4; 0.10 × 168 / 24 = 0.7; 0.10 × 168 / 72 = 0.2333…
    const t = thresholds(7 * DAYS);
    expect(t["page-1h"]).toBeCloseTo(3.36, 9);
    expect(t["page-6h"]).toBeCloseTo(1.4, 9);
    expect(t["ticket-24h"]).toBeCloseTo(0.7, 9);
    expect(t["ticket-3d"]).toBeCloseTo(0.1 * 168 / 72, 9);
  });

  it("scale for a 28-day window (672 h)", () => {
    // 0.02 × 672 = 13.44; 0.05 × 672 / 6 = 5.6; 0.10 × 672 / 24 = 2.8; 0.10 × 672 / 72 = 0.9333…
    const t = thresholds(28 * DAYS);
    expect(t["page-1h"]).toBeCloseTo(13.44, 9);
    expect(t["page-6h"]).toBeCloseTo(5.6, 9);
    expect(t["ticket-24h"]).toBeCloseTo(2.8, 9);
    expect(t["ticket-3d"]).toBeCloseTo(0.9333333333, 9);
  });

  it("drop rules whose long window is not shorter than the SLO window", () => {
    // A 3-day SLO window cannot carry the 3-day ticket rule.
    expect(effectiveRules({ windowMinutes: 3 * DAYS }).map((r) => r.name)).toEqual(["page-1h", "page-6h", "ticket-24h"]);
  });

  it("apply per-SLO overrides", () => {
    const rules = effectiveRules({
      windowMinutes: 30 * DAYS,
      overrides: { "page-1h": { threshold: 20 }, "page-6h": { budgetFraction: 0.1 }, "ticket-3d": { disabled: true } },
    });
    const byName = Object.fromEntries(rules.map((r) => [r.name, r.threshold]));
    expect(byName["page-1h"]).toBe(20);
    expect(byName["page-6h"]).toBeCloseTo(12, 9); // 0.1 × 720 / 6
    expect(byName["ticket-3d"]).toBeUndefined();
    expect(scaledThreshold(0.02, 30 * DAYS, 60)).toBeCloseTo(14.4, 9);
  });

  it("list the alert windows to read and label them", () => {
    expect(alertWindowsNeeded(WORKBOOK_RULES)).toEqual([5, 30, 60, 120, 360, 1440, 4320]);
    expect(alertWindowsNeeded(WORKBOOK_RULES).map(windowLabel)).toEqual(["5m", "30m", "1h", "2h", "6h", "1d", "3d"]);
  });
});

/** Counts per alert window from an error rate per window (10,000 events each unless given). */
function traffic(errorRates: Record<number, number>, totals: Record<number, number> = {}): (m: number) => Counts {
  return (m) => {
    const total = totals[m] ?? 10_000;
    const bad = Math.round((errorRates[m] ?? 0) * total);
    return { good: total - bad, total };
  };
}

const base = { objective: 0.999, windowMinutes: 30 * DAYS, minShortWindowEvents: 10 };

describe("evaluateBurnAlerts (99.9 %, 30 days)", () => {
  it("pages when both 1 h and 5 m burn above 14.4", () => {
    // error rate 2 % → burn 0.02 / 0.001 = 20 > 14.4 in 1 h and 5 m; 6 h at 0.5 % → burn 5 < 6.
    const r = evaluateBurnAlerts(base, traffic({ 5: 0.02, 60: 0.02, 30: 0.005, 360: 0.005 }));
    expect(r.severity).toBe("page");
    expect(r.firing.map((f) => f.rule)).toEqual(["page-1h"]);
    expect(r.firing[0]?.longBurn).toBeCloseTo(20, 6);
    expect(r.firing[0]?.threshold).toBeCloseTo(14.4, 9);
  });

  it("does not page when only the long window burns (the incident is over)", () => {
    // 1 h burn 20 but the last 5 m are clean → short burn 0.
    expect(evaluateBurnAlerts(base, traffic({ 60: 0.02, 5: 0 })).severity).toBe("ok");
    // and not when only the short window burns (a blip).
    expect(evaluateBurnAlerts(base, traffic({ 60: 0.001, 5: 0.05 })).severity).toBe("ok");
  });

  it("a burn exactly at the threshold does not fire (exceed is strict)", () => {
    // 144 bad of 10,000 = 1.44 % → burn 14.4, equal, not above.
    expect(evaluateBurnAlerts(base, traffic({ 5: 0.0144, 60: 0.0144 })).severity).toBe("ok");
    // 145 bad → 14.5 > 14.4.
    expect(evaluateBurnAlerts(base, traffic({ 5: 0.0145, 60: 0.0145 })).severity).toBe("page");
    // Exact arithmetic: objective 0.75 → budget 0.25; 50 % errors → burn exactly 2 = an overridden threshold of 2.
    const exact = { ...base, objective: 0.75, overrides: { "page-1h": { threshold: 2 } } };
    expect(evaluateBurnAlerts(exact, traffic({ 5: 0.5, 60: 0.5 })).severity).toBe("ok");
    // Float noise: 1 − 0.9 = 0.09999999999999998, so 20 % errors give 2.0000000000000004; still "equal", still no alert.
    const noisy = { ...base, objective: 0.9, overrides: { "page-1h": { threshold: 2 } } };
    expect(evaluateBurnAlerts(noisy, traffic({ 5: 0.2, 60: 0.2 })).severity).toBe("ok");
    expect(evaluateBurnAlerts(noisy, traffic({ 5: 0.2001, 60: 0.2001 })).severity).toBe("page");
  });

  it("tickets on the slow rules: 24 h and 2 h above 3", () => {
    // 0.4 % → burn 4: above 3 (24 h rule) and above 1 (3 d rule only if 3 d and 6 h also burn).
    const r = evaluateBurnAlerts(base, traffic({ 120: 0.004, 1440: 0.004, 360: 0.0005, 4320: 0.0005 }));
    expect(r.severity).toBe("ticket");
    expect(r.firing.map((f) => f.rule)).toEqual(["ticket-24h"]);
  });

  it("tickets on 3 d and 6 h above 1, and page outranks ticket", () => {
    const slow = evaluateBurnAlerts(base, traffic({ 360: 0.0012, 4320: 0.0012 })); // burn 1.2 > 1
    expect(slow.firing.map((f) => f.rule)).toEqual(["ticket-3d"]);
    expect(slow.severity).toBe("ticket");
    const all = evaluateBurnAlerts(base, traffic({ 5: 0.1, 30: 0.1, 60: 0.1, 120: 0.1, 360: 0.1, 1440: 0.1, 4320: 0.1 }));
    expect(all.firing).toHaveLength(4);
    expect(all.severity).toBe("page");
  });

  it("low-traffic guard: no page and no ticket below the minimum events in the short window", () => {
    // 5 m window: 1 bad of 4 requests = 25 % → burn 250, but 4 < 10 events.
    const rates = { 5: 0.25, 60: 0.25, 30: 0.25, 360: 0.25, 120: 0.25, 1440: 0.25 };
    const few = { 5: 4, 30: 4, 120: 4, 360: 4 };
    expect(evaluateBurnAlerts(base, traffic(rates, few))).toEqual({ severity: "ok", firing: [] });
    // Lowering the minimum to 4 lets the same traffic page.
    expect(evaluateBurnAlerts({ ...base, minShortWindowEvents: 4 }, traffic(rates, few)).severity).toBe("page");
  });

  it("zero traffic fires nothing", () => {
    expect(evaluateBurnAlerts({ ...base, minShortWindowEvents: 0 }, () => ({ good: 0, total: 0 })).severity).toBe("ok");
  });

  it("a 7-day SLO pages at burn 4 where a 30-day one would not", () => {
    // 7-day page threshold 3.36; burn 4 (0.4 % at 99.9 %) exceeds it but not 14.4.
    const t = traffic({ 5: 0.004, 60: 0.004 });
    expect(evaluateBurnAlerts({ ...base, windowMinutes: 7 * DAYS }, t).severity).toBe("page");
    expect(evaluateBurnAlerts(base, t).firing.some((f) => f.severity === "page")).toBe(false);
  });
});

describe("sloState", () => {
  it("breached > page > warning > ok; no data is its own state", () => {
    expect(sloState({ consumed: 1.2 }, { severity: "page" })).toBe("breached");
    expect(sloState({ consumed: 0.5 }, { severity: "page" })).toBe("page");
    expect(sloState({ consumed: 0.5 }, { severity: "ticket" })).toBe("warning");
    expect(sloState({ consumed: 0.5 }, { severity: "ok" })).toBe("ok");
    expect(sloState({ consumed: null }, { severity: "ok" })).toBe("no_data");
  });
  it("spending exactly the budget still meets the objective", () => {
    // Time slices, 90 % of a 10-minute window: budget (1 − 0.9) × 10 = 0.9999999999999998 minutes in floats,
    // so 1 bad minute gives consumed 1.0000000000000002 although on paper it is exactly 1.
    const exact = budgetFigures({ counts: { good: 9, total: 10 }, objective: 0.9, method: "timeslices", windowMinutes: 10 });
    expect(exact.consumed).toBeGreaterThan(1);
    expect(sloState(exact, { severity: "ok" })).toBe("ok");
    expect(sloState({ consumed: 1.001 }, { severity: "ok" })).toBe("breached");
  });
});
