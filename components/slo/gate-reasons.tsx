import Link from "next/link";
import type { GateData } from "./types";
import { formatBudget } from "./format";
import styles from "./slo.module.css";

/** What closes the gate (freeze tiers) and what only warns (notify, review), as the detail page and settings show them. */
export function GateReasons({ gate }: { gate: Pick<GateData, "reasons" | "warnings"> }) {
  return (
    <>
      {gate.reasons.length > 0 ? (
        <ul className={styles.reasons}>
          {gate.reasons.map((r) => (
            <li key={r.slo.id}>
              <Link href={`/slos/${r.slo.id}`}>{r.slo.name}</Link>: {r.tier} <span className="faint">({formatBudget(r.remaining)} left, {r.policy})</span>
            </li>
          ))}
        </ul>
      ) : null}
      {gate.warnings.length > 0 ? (
        <ul className={styles.reasons}>
          {gate.warnings.map((r) => (
            <li key={r.slo.id} className="muted">
              {r.slo.name}: {r.tier} ({r.action})
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
