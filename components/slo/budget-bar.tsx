import { formatBudget } from "./format";
import styles from "./slo.module.css";

export function budgetTone(remaining: number | null): "ok" | "warn" | "bad" | "none" {
  if (remaining === null) return "none";
  if (remaining <= 0) return "bad";
  if (remaining < 0.25) return "warn";
  return "ok";
}

/** Remaining error budget: the bar is clamped to 0–100 %, the number is not (an overspent budget reads −35.2 %). */
export function BudgetBar({ remaining, testId }: { remaining: number | null; testId?: string }) {
  const tone = budgetTone(remaining);
  const width = remaining === null ? 0 : Math.min(1, Math.max(0, remaining)) * 100;
  return (
    <span className={styles.budget} data-tone={tone} data-testid={testId}>
      <span
        className={styles.budgetTrack}
        role="meter"
        aria-label="Error budget remaining"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={remaining === null ? undefined : Math.round(Math.min(1, Math.max(0, remaining)) * 100)}
        aria-valuetext={remaining === null ? "no data" : formatBudget(remaining)}
      >
        <span className={styles.budgetFill} style={{ width: `${width}%` }} />
      </span>
      {/* Overspent reads as a red negative number; the word goes to the tooltip so the list keeps its columns at 1280 px. */}
      <span className={`num ${styles.budgetText}`} title={remaining !== null && remaining < 0 ? `Budget overspent: ${formatBudget(remaining)} left` : undefined}>
        {remaining === null ? "—" : formatBudget(remaining)}
      </span>
    </span>
  );
}
