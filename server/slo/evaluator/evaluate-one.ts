/**
 * The figures of one SLO from its span counts: pure, so it is tested with
 * hand-worked numbers and a broken SLO throws here without touching the
 * others. The caller reads the counts (read-counts.ts) and writes the result.
 */
import type { FiringRuleView } from "../types";
import type { SloStateName } from "../schemas";
import { alertWindowsNeeded, evaluateBurnAlerts, windowLabel, type AlertSeverity } from "../math/burn-alerts";
import { budgetFigures, burnRate, projectedExhaustion, type Counts } from "../math/budget";
import { sloState } from "../math/slo-state";
import type { SloWindow } from "../math/windows";
import { tierInEffect, type AppliedPolicy } from "../policy-tiers";
import { rulesFor, type ParsedSlo } from "./definitions";

/** Exhaustion is projected at the burn rate of the last hour: "if the current burn continues". */
export const EXHAUSTION_BURN_MINUTES = 60;

export interface SloFigures {
  state: SloStateName;
  sli: number | null;
  good: number;
  total: number;
  consumed: number | null;
  remaining: number | null;
  remainingMinutes: number | null;
  burnRates: Record<string, number | null>;
  firing: FiringRuleView[];
  severity: AlertSeverity;
  exhaustionAt: Date | null;
  policyTier: string | null;
  /** the tier's threshold, for the cause of a tier change */
  tierBelow: number | null;
}

export interface EvaluateOneInput {
  slo: ParsedSlo;
  now: Date;
  window: SloWindow;
  /** whole minutes of the window excluded by adjustments (time-slice budgets shrink by this) */
  excludedWindowMinutes: number;
  /** adjusted counts over the window read so far */
  windowCounts: Counts;
  /** adjusted counts over the last `minutes` minutes before the window's data end */
  countsFor: (minutes: number) => Counts;
  policy: AppliedPolicy | undefined;
}

/** Minutes of every alert window this SLO needs read, plus the exhaustion window. */
export function alertMinutesFor(slo: ParsedSlo, window: SloWindow): number[] {
  const mins = new Set(alertWindowsNeeded(rulesFor(slo, window.minutes)));
  mins.add(EXHAUSTION_BURN_MINUTES);
  return [...mins].sort((a, b) => a - b);
}

export function evaluateOne(input: EvaluateOneInput): SloFigures {
  const { slo, window, now } = input;
  const budgetMinutes = slo.sliced ? window.minutes - input.excludedWindowMinutes : window.minutes;
  const figures =
    slo.sliced && budgetMinutes <= 0
      ? { sli: null, consumed: null, remaining: null, remainingMinutes: null } // the whole period is excluded: nothing to measure
      : budgetFigures({ counts: input.windowCounts, objective: slo.objective, method: slo.sliced ? "timeslices" : "occurrences", windowMinutes: budgetMinutes });
  const rules = rulesFor(slo, window.minutes);
  const alerts = evaluateBurnAlerts(
    { objective: slo.objective, windowMinutes: window.minutes, minShortWindowEvents: slo.minShortWindowEvents, overrides: slo.alerting.overrides },
    input.countsFor,
  );
  const burnRates: Record<string, number | null> = {};
  for (const m of alertWindowsNeeded(rules)) burnRates[windowLabel(m)] = burnRate(input.countsFor(m), slo.objective);
  const exhaustionAt = projectedExhaustion({
    now,
    remaining: figures.remaining,
    burnRate: burnRate(input.countsFor(EXHAUSTION_BURN_MINUTES), slo.objective),
    windowMinutes: window.minutes,
  });
  const tier = input.policy ? tierInEffect(input.policy.tiers, figures.remaining) : null;
  return {
    state: sloState({ consumed: figures.consumed }, alerts),
    sli: figures.sli,
    good: input.windowCounts.good,
    total: input.windowCounts.total,
    consumed: figures.consumed,
    remaining: figures.remaining,
    remainingMinutes: slo.sliced ? (figures.remainingMinutes ?? null) : null,
    burnRates,
    firing: alerts.firing.map((f) => ({ rule: f.rule, severity: f.severity, longBurn: f.longBurn, shortBurn: f.shortBurn, threshold: f.threshold })),
    severity: alerts.severity,
    exhaustionAt,
    policyTier: tier?.name ?? null,
    tierBelow: tier?.below ?? null,
  };
}
