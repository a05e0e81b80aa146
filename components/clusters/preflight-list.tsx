import { IconCheckCircle, IconXCircle } from "@/components/ui/icons";
import type { OverridableCheck } from "@/server/failover/schemas";
import type { PreflightCheck } from "@/server/failover/types";
import styles from "./clusters.module.css";

/** Every check ok, or overridden by the operator where the check allows it. */
export function preflightPasses(checks: PreflightCheck[], overrides: readonly string[]): boolean {
  return checks.length > 0 && checks.every((c) => c.ok || (c.overridable && overrides.includes(c.id)));
}

/**
 * The preflight checklist: ✓/✗ with the detail the server gave. A failed
 * check that may be overridden gets a checkbox (when `onOverride` is given).
 */
export function PreflightList({
  checks,
  overrides = [],
  onOverride,
}: {
  checks: PreflightCheck[];
  overrides?: readonly string[];
  onOverride?: (id: OverridableCheck, on: boolean) => void;
}) {
  return (
    <ul className={styles.checks} data-testid="preflight-list">
      {checks.map((c) => {
        const overridden = c.overridden || (!c.ok && overrides.includes(c.id));
        return (
          <li key={c.id} className={styles.check} data-testid="preflight-check" data-check={c.id} data-ok={c.ok ? "true" : "false"}>
            <span className={c.ok ? "status-ok" : overridden ? "status-warn" : "status-bad"}>
              {c.ok ? <IconCheckCircle title="passed" /> : <IconXCircle title="failed" />}
            </span>
            <span className={styles.checkText}>
              <span className={styles.checkLabel}>{c.label}</span>
              <span className="muted">{c.detail}</span>
              {!c.ok && c.overridable && onOverride ? (
                <label className={styles.override}>
                  <input
                    type="checkbox"
                    checked={overrides.includes(c.id)}
                    onChange={(e) => onOverride(c.id as OverridableCheck, e.target.checked)}
                    data-testid={`override-${c.id}`}
                  />
                  Override: go ahead anyway (recorded with the operation)
                </label>
              ) : null}
              {!c.ok && c.overridden && !onOverride ? <span className="status-warn">overridden</span> : null}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
