import { formatBurn } from "./format";
import type { SloRow } from "./types";
import { headlineBurn } from "./use-slo-filters";

/** The worst firing burn-rate rule, or the 1 h burn when nothing fires. */
export function BurnBadge({ row }: { row: Pick<SloRow, "firing" | "burnRates"> }) {
  const { value, rule } = headlineBurn(row);
  if (rule) {
    return (
      <span
        className={rule.severity === "page" ? "badge badge-bad" : "badge badge-warn"}
        title={`${rule.severity === "page" ? "Page" : "Ticket"}: ${rule.rule} — long ${formatBurn(rule.longBurn)}, short ${formatBurn(rule.shortBurn)}, threshold ${formatBurn(rule.threshold)}`}
        data-testid="burn-badge"
        data-firing="true"
      >
        {formatBurn(rule.longBurn)} {rule.severity}
      </span>
    );
  }
  return (
    <span className="num muted" title="Burn rate over the last hour: 1× spends the budget exactly over the window" data-testid="burn-badge">
      {value === null ? "—" : `${formatBurn(value)} 1h`}
    </span>
  );
}
