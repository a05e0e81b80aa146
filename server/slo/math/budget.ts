/**
 * Error-budget arithmetic for one SLO over one span.
 *
 * Counts are occurrences (requests, checks) for ratio/latency SLIs, or minutes
 * for time-slice SLIs (good = minutes in which the condition held, total =
 * minutes with data). Excluded time (maintenance, adjustments) must already be
 * taken out of the counts by the caller — see `adjustments.ts`.
 *
 * "No data" (total = 0) is `null` everywhere a ratio would otherwise be 0/0:
 * never NaN, and never reported as 100 %.
 *
 * Ratios are *not* clamped: `remaining` goes negative once the budget is
 * overspent, so a chart can show by how much. Clamp for display only.
 */
import { AppError } from "@/server/errors";
import { MINUTE_MS } from "./time";

export interface Counts {
  good: number;
  total: number;
}

export type BudgetingMethod = "occurrences" | "timeslices";

/** Rejects objectives that make the budget empty (1) or whole (0), and anything outside (0, 1). */
export function assertObjective(objective: number): void {
  if (!Number.isFinite(objective) || objective <= 0 || objective >= 1) {
    throw new AppError("BAD_REQUEST", `Objective must be a ratio strictly between 0 and 1 (e.g. 0.999 for 99.9 %), got ${objective}`, {
      fieldErrors: { objective: ["must be strictly between 0 and 1 (0 % and 100 % are not valid objectives)"] },
    });
  }
}

/** Counts must be finite, non-negative and good ≤ total; a violation means a broken SLI source, so it is an error, not a clamp. */
export function assertCounts(c: Counts): void {
  if (!Number.isFinite(c.good) || !Number.isFinite(c.total) || c.good < 0 || c.total < 0 || c.good > c.total) {
    throw new AppError("BAD_REQUEST", `Invalid SLI counts: good=${c.good}, total=${c.total} (need 0 ≤ good ≤ total)`);
  }
}

export const errorBudget = (objective: number): number => {
  assertObjective(objective);
  return 1 - objective;
};

/** good / total, or null when there is no data. */
export function sliAchieved(c: Counts): number | null {
  assertCounts(c);
  return c.total === 0 ? null : c.good / c.total;
}

/**
 * How fast the budget burns over a span: the span's error rate in units of the
 * error budget. 1 means "exactly on track to use the whole budget by the end of
 * the window"; 14.4 over 1 h of a 30-day window uses 14.4 / 720 = 2 % of it.
 */
export function burnRate(c: Counts, objective: number): number | null {
  const budget = errorBudget(objective);
  assertCounts(c);
  if (c.total === 0) return null;
  return (c.total - c.good) / c.total / budget;
}

export interface BudgetInput {
  counts: Counts;
  objective: number;
  method: BudgetingMethod;
  /** Full window length in minutes (`SloWindow.minutes`); sizes the minute budget of time-slice SLOs. */
  windowMinutes: number;
}

export interface BudgetFigures {
  sli: number | null;
  errorBudget: number;
  /** Fraction of the budget used (1 = exactly exhausted, > 1 = overspent); null without data. */
  consumed: number | null;
  /** 1 − consumed; negative when overspent; null without data. */
  remaining: number | null;
  /** Time-slice SLOs only: the whole window's allowance of bad minutes. */
  budgetMinutes?: number;
  consumedMinutes?: number | null;
  remainingMinutes?: number | null;
}

/**
 * Budget figures over a window.
 *
 * Occurrences: consumed = (bad / total) / (1 − objective) — the budget is a
 * share of whatever traffic arrived, so it is known only relative to it.
 *
 * Time slices: the budget is a fixed number of minutes, (1 − objective) × window
 * minutes (43.2 min for 99.9 % of 30 days), and every bad minute spends one of
 * them; consumed = bad minutes / budget minutes. For a calendar window this is
 * sized on the whole period, so it says early in the month how much is left.
 */
export function budgetFigures(input: BudgetInput): BudgetFigures {
  const eb = errorBudget(input.objective);
  const { counts } = input;
  const sli = sliAchieved(counts);
  if (input.method === "occurrences") {
    const consumed = sli === null ? null : (1 - sli) / eb;
    return { sli, errorBudget: eb, consumed, remaining: consumed === null ? null : 1 - consumed };
  }
  if (!(input.windowMinutes > 0)) throw new AppError("BAD_REQUEST", `windowMinutes must be positive, got ${input.windowMinutes}`);
  if (counts.total > input.windowMinutes) {
    throw new AppError("BAD_REQUEST", `A time-slice SLO cannot have ${counts.total} minutes of data in a ${input.windowMinutes}-minute window`);
  }
  const budgetMinutes = eb * input.windowMinutes;
  if (sli === null) {
    return { sli, errorBudget: eb, consumed: null, remaining: null, budgetMinutes, consumedMinutes: null, remainingMinutes: null };
  }
  const bad = counts.total - counts.good;
  const consumed = bad / budgetMinutes;
  return {
    sli,
    errorBudget: eb,
    consumed,
    remaining: 1 - consumed,
    budgetMinutes,
    consumedMinutes: bad,
    remainingMinutes: budgetMinutes - bad,
  };
}

/**
 * When the budget runs out if the current burn rate holds: a burn rate b spends
 * b / windowMinutes of the budget per minute, so `remaining` lasts
 * remaining × windowMinutes / b minutes.
 *
 * null when there is no data or nothing burns (b ≤ 0); `now` itself when the
 * budget is already gone. For a rolling window this is a linear projection:
 * old bad events rolling out of the window are ignored.
 */
export function projectedExhaustion(args: {
  now: Date;
  remaining: number | null;
  burnRate: number | null;
  windowMinutes: number;
}): Date | null {
  const { now, remaining, burnRate: b, windowMinutes } = args;
  if (remaining === null || b === null || !(b > 0)) return null;
  if (remaining <= 0) return new Date(now.getTime());
  return new Date(now.getTime() + ((remaining * windowMinutes) / b) * MINUTE_MS);
}
