/**
 * Allowed downtime for an availability objective over standard periods.
 *
 * Period lengths: day 1 d, week 7 d, month 30 d (the convention SLA tables
 * use: 99.9 % → 43.2 min), quarter 365.25 / 4 = 91.3125 d and year 365.25 d
 * (the Julian year, averaging leap years: 99.99 % → 52.596 min). Results are in
 * milliseconds, rounded to the nearest millisecond to hide float noise
 * (1 − 0.999 is 0.0010000000000000009).
 */
import { errorBudget } from "./budget";
import { DAY_MS } from "./time";

export type SlaPeriod = "day" | "week" | "month" | "quarter" | "year";

export const SLA_PERIOD_DAYS: Readonly<Record<SlaPeriod, number>> = {
  day: 1,
  week: 7,
  month: 30,
  quarter: 365.25 / 4,
  year: 365.25,
};

export const COMMON_OBJECTIVES: readonly number[] = [0.99, 0.995, 0.999, 0.9995, 0.9999];

export function allowedDowntimeMs(objective: number, period: SlaPeriod): number {
  return Math.round(errorBudget(objective) * SLA_PERIOD_DAYS[period] * DAY_MS);
}

export type DowntimeByPeriod = Record<SlaPeriod, number>;

export function allowedDowntime(objective: number): DowntimeByPeriod {
  return {
    day: allowedDowntimeMs(objective, "day"),
    week: allowedDowntimeMs(objective, "week"),
    month: allowedDowntimeMs(objective, "month"),
    quarter: allowedDowntimeMs(objective, "quarter"),
    year: allowedDowntimeMs(objective, "year"),
  };
}

/** One row per objective, for the SLA tiers page; custom objectives are validated like any other. */
export function slaTable(objectives: readonly number[] = COMMON_OBJECTIVES): Array<{ objective: number; downtimeMs: DowntimeByPeriod }> {
  return objectives.map((objective) => ({ objective, downtimeMs: allowedDowntime(objective) }));
}

/**
 * Where an actual availability falls among tiers: the strictest objective it
 * still meets, or null when it meets none (or there is no data).
 */
export function highestTierMet(availability: number | null, objectives: readonly number[] = COMMON_OBJECTIVES): number | null {
  if (availability === null) return null;
  let best: number | null = null;
  for (const o of objectives) if (availability >= o && (best === null || o > best)) best = o;
  return best;
}
