/**
 * The one-word state of an SLO shown in lists and pushed live.
 *
 * Precedence: breached > page > warning > ok. "breached" means the objective is
 * violated over the whole window: the budget is overspent (consumed > 1). For
 * occurrences that is exactly SLI < objective; for a time-slice SLO on a
 * calendar window it is "more bad minutes than the period allows", which can be
 * certain before the period ends. A ticket-severity burn alert is "warning".
 *
 * "no_data" is an addition to ok / warning / page / breached: with zero
 * traffic over the window nothing can be said, and showing "ok" would be the
 * 100 % the issue forbids.
 */
import type { BurnAlertResult } from "./burn-alerts";
import type { BudgetFigures } from "./budget";

export type SloState = "ok" | "warning" | "page" | "breached" | "no_data";

/** Same float tolerance as burn thresholds: spending exactly the budget meets the objective. */
const OVERSPENT = 1 + 1e-9;

export function sloState(budget: Pick<BudgetFigures, "consumed">, alerts: Pick<BurnAlertResult, "severity">): SloState {
  // The alert windows lie inside the SLO window, so without window data no alert can be firing either.
  if (budget.consumed === null) return "no_data";
  if (budget.consumed > OVERSPENT) return "breached";
  if (alerts.severity === "page") return "page";
  if (alerts.severity === "ticket") return "warning";
  return "ok";
}
