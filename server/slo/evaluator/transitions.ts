/**
 * What changed between the stored status and a new evaluation, as outbox
 * events and budget_events rows. Only changes are emitted: a second cycle
 * with the same figures emits nothing.
 */
import type { AlertSeverity } from "../math/burn-alerts";
import type { SloStateName } from "../schemas";
import type { FiringRuleView } from "../types";

export interface PrevStatus {
  state: SloStateName;
  severity: AlertSeverity;
  policyTier: string | null;
}

export const NO_PREV: PrevStatus = { state: "no_data", severity: "ok", policyTier: null };

export function severityOf(firing: unknown): AlertSeverity {
  if (!Array.isArray(firing)) return "ok";
  let s: AlertSeverity = "ok";
  for (const f of firing as Array<{ severity?: unknown }>) {
    if (f?.severity === "page") return "page";
    if (f?.severity === "ticket") s = "ticket";
  }
  return s;
}

export interface NextStatus {
  state: SloStateName;
  severity: AlertSeverity;
  policyTier: string | null;
  tierBelow: number | null;
  remaining: number | null;
  sli: number | null;
  consumed: number | null;
  firing: FiringRuleView[];
}

export interface SloRef {
  id: string;
  key: string;
  name: string;
  serviceId: string;
  objective: number | null;
}

export interface Transition {
  events: Array<{ type: string; payload: Record<string, unknown> }>;
  budgetEvent: { fromTier: string | null; toTier: string | null; remaining: number | null; cause: string } | null;
}

const pct = (r: number) => `${(Math.round(r * 1000) / 10).toFixed(1)}%`;

/** Why the tier changed, in words for the timeline: "remaining budget 23.4% < 25%". */
export function tierCause(next: NextStatus, prevTier: string | null): string {
  const r = next.remaining;
  if (r === null) return "no data: no tier applies";
  if (next.policyTier === null) return `remaining budget ${pct(r)} is above every tier${prevTier ? ` (left "${prevTier}")` : ""}`;
  if (next.tierBelow === 0) return `budget exhausted (remaining ${pct(r)} ≤ 0%)`;
  if (next.tierBelow !== null) return `remaining budget ${pct(r)} < ${pct(next.tierBelow).replace(/\.0%$/, "%")}`;
  return `remaining budget ${pct(r)}`;
}

export function diffStatus(slo: SloRef, prev: PrevStatus, next: NextStatus): Transition {
  const out: Transition = { events: [], budgetEvent: null };
  // An SLO that cannot be evaluated has no new figures: keep its alert and tier history quiet until it can.
  if (next.state === "error") return out;
  const base = { sloId: slo.id, key: slo.key, name: slo.name, serviceId: slo.serviceId };
  if (next.state === "breached" && prev.state !== "breached") {
    out.events.push({ type: "slo.breach", payload: { ...base, objective: slo.objective, sli: next.sli, consumed: next.consumed } });
  } else if (prev.state === "breached" && next.state !== "breached") {
    out.events.push({ type: "slo.recovered", payload: { ...base, objective: slo.objective, sli: next.sli, consumed: next.consumed, state: next.state } });
  }
  if (next.severity !== prev.severity) {
    out.events.push({ type: "slo.burn", payload: { ...base, from: prev.severity, to: next.severity, firing: next.firing } });
  }
  if (next.policyTier !== prev.policyTier) {
    const cause = tierCause(next, prev.policyTier);
    out.events.push({ type: "budget.policy", payload: { ...base, from: prev.policyTier, to: next.policyTier, remaining: next.remaining, cause } });
    out.budgetEvent = { fromTier: prev.policyTier, toTier: next.policyTier, remaining: next.remaining, cause };
  }
  return out;
}
