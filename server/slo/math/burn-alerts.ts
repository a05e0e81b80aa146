/**
 * Multi-window, multi-burn-rate alerts (Google SRE workbook, "Alerting on
 * SLOs", approach 6). Each rule pairs a long window, which proves the burn is
 * significant, with a short one (1/12 of it) that proves it is still going on,
 * so an alert stops soon after the incident does.
 *
 * Thresholds are derived from the share of the budget a rule tolerates losing
 * within its long window. Burning at rate b for L hours of a W-hour SLO window
 * spends b × L / W of the budget (rate 1 spends all of it in W hours). Setting
 * that equal to the rule's budget fraction f gives
 *
 *     threshold = f × W / L
 *
 * and for W = 30 d = 720 h it reproduces the workbook table:
 *     page   1 h / 5 m    f = 2 %   0.02 × 720 / 1  = 14.4
 *     page   6 h / 30 m   f = 5 %   0.05 × 720 / 6  = 6
 *     ticket 24 h / 2 h   f = 10 %  0.10 × 720 / 24 = 3
 *     ticket 3 d / 6 h    f = 10 %  0.10 × 720 / 72 = 1
 * Other windows scale with W (7 d → 3.36, 1.4, 0.7, 0.233…), which keeps "2 % of
 * the budget in an hour pages" true for every window. A rule whose long window
 * is not shorter than the SLO window is dropped: it could only restate the SLO.
 */
import { burnRate, type Counts } from "./budget";
import { HOUR_MS, MINUTE_MS } from "./time";

export type AlertSeverity = "ok" | "ticket" | "page";

export interface BurnRule {
  name: string;
  severity: Exclude<AlertSeverity, "ok">;
  longWindowMinutes: number;
  shortWindowMinutes: number;
  /** Share of the whole budget this rule tolerates losing within its long window. */
  budgetFraction: number;
}

export const WORKBOOK_RULES: readonly BurnRule[] = [
  { name: "page-1h", severity: "page", longWindowMinutes: 60, shortWindowMinutes: 5, budgetFraction: 0.02 },
  { name: "page-6h", severity: "page", longWindowMinutes: 360, shortWindowMinutes: 30, budgetFraction: 0.05 },
  { name: "ticket-24h", severity: "ticket", longWindowMinutes: 1440, shortWindowMinutes: 120, budgetFraction: 0.1 },
  { name: "ticket-3d", severity: "ticket", longWindowMinutes: 4320, shortWindowMinutes: 360, budgetFraction: 0.1 },
];

/**
 * Default low-traffic guard: a rule cannot fire while its short window holds
 * fewer events than this. Time-slice SLOs count minutes, and a 5-minute short
 * window holds at most 5, so they need a much lower minimum than occurrences.
 */
export const DEFAULT_MIN_SHORT_WINDOW_EVENTS = { occurrences: 10, timeslices: 1 } as const;

/** Per-SLO override of one rule, by rule name. `threshold` wins over `budgetFraction`. */
export interface BurnRuleOverride {
  threshold?: number;
  budgetFraction?: number;
  disabled?: boolean;
}

export interface BurnAlertConfig {
  objective: number;
  windowMinutes: number;
  minShortWindowEvents: number;
  rules?: readonly BurnRule[];
  overrides?: Readonly<Partial<Record<string, BurnRuleOverride>>>;
}

export interface ScaledRule extends BurnRule {
  threshold: number;
}

export const scaledThreshold = (budgetFraction: number, windowMinutes: number, longWindowMinutes: number): number =>
  (budgetFraction * windowMinutes) / longWindowMinutes;

/** The rules in effect for one SLO, with thresholds scaled to its window and overrides applied. */
export function effectiveRules(config: Pick<BurnAlertConfig, "windowMinutes" | "rules" | "overrides">): ScaledRule[] {
  const out: ScaledRule[] = [];
  for (const rule of config.rules ?? WORKBOOK_RULES) {
    const o = config.overrides?.[rule.name];
    if (o?.disabled) continue;
    if (rule.longWindowMinutes >= config.windowMinutes) continue;
    const budgetFraction = o?.budgetFraction ?? rule.budgetFraction;
    const threshold = o?.threshold ?? scaledThreshold(budgetFraction, config.windowMinutes, rule.longWindowMinutes);
    out.push({ ...rule, budgetFraction, threshold });
  }
  return out;
}

/** Every alert window (minutes) the evaluator must read counts for, ascending. */
export function alertWindowsNeeded(rules: readonly BurnRule[]): number[] {
  const set = new Set<number>();
  for (const r of rules) set.add(r.longWindowMinutes).add(r.shortWindowMinutes);
  return [...set].sort((a, b) => a - b);
}

export interface FiringRule {
  rule: string;
  severity: Exclude<AlertSeverity, "ok">;
  longBurn: number;
  shortBurn: number;
  threshold: number;
}

export interface BurnAlertResult {
  severity: AlertSeverity;
  firing: FiringRule[];
}

/**
 * "Exceeds" is strict. Burn rates come out of float division (1 − 0.999 is not
 * exactly 0.001), so a rate equal to its threshold on paper may land a few ulps
 * either side; the relative tolerance makes exact equality reliably not fire.
 */
const exceeds = (burn: number, threshold: number): boolean => burn > threshold * (1 + 1e-9);

/**
 * Which rules fire, given the counts in each alert window (`countsFor(minutes)`
 * returns the good/total over the last `minutes` minutes, already adjusted).
 */
export function evaluateBurnAlerts(config: BurnAlertConfig, countsFor: (windowMinutes: number) => Counts): BurnAlertResult {
  const firing: FiringRule[] = [];
  for (const rule of effectiveRules(config)) {
    const short = countsFor(rule.shortWindowMinutes);
    // Low-traffic guard: 1 failure out of 2 requests is a 50 % error rate, not an incident.
    if (short.total < config.minShortWindowEvents) continue;
    const shortBurn = burnRate(short, config.objective);
    const longBurn = burnRate(countsFor(rule.longWindowMinutes), config.objective);
    if (shortBurn === null || longBurn === null) continue;
    if (exceeds(longBurn, rule.threshold) && exceeds(shortBurn, rule.threshold)) {
      firing.push({ rule: rule.name, severity: rule.severity, longBurn, shortBurn, threshold: rule.threshold });
    }
  }
  const severity: AlertSeverity = firing.some((f) => f.severity === "page") ? "page" : firing.length > 0 ? "ticket" : "ok";
  return { severity, firing };
}

/** Share of the budget a rule's threshold spends within its long window (inverse of `scaledThreshold`), for display. */
export const budgetSpentAtThreshold = (rule: ScaledRule, windowMinutes: number): number =>
  (rule.threshold * rule.longWindowMinutes) / windowMinutes;

/** Human label of an alert window, e.g. 60 → "1h", 4320 → "3d", 5 → "5m". */
export function windowLabel(minutes: number): string {
  const ms = minutes * MINUTE_MS;
  if (ms % (24 * HOUR_MS) === 0) return `${ms / (24 * HOUR_MS)}d`;
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  return `${minutes}m`;
}
