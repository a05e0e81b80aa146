/**
 * Shapes the SLO domain returns to routers, the REST API and the UI. Dates are
 * `Date` (superjson carries them over tRPC); ratios are 0–1; null means "no
 * data", never 0 or 100 %.
 */
import type { BudgetingMethodName, PolicyAction, PolicyTier, SliSpec, SloStateName, WindowSpecInput, AlertingSpec } from "./schemas";

export type SliSource = SliSpec["source"];

export interface FiringRuleView {
  rule: string;
  severity: "ticket" | "page";
  longBurn: number;
  shortBurn: number;
  threshold: number;
}

export interface SloStatusView {
  state: SloStateName;
  sli: number | null;
  good: number;
  total: number;
  consumed: number | null;
  remaining: number | null;
  /** time-slice SLOs only */
  remainingMinutes: number | null;
  /** burn rate per alert window label ("5m", "1h", "6h", …) */
  burnRates: Record<string, number | null>;
  firing: FiringRuleView[];
  exhaustionAt: Date | null;
  policyTier: string | null;
  error: string | null;
  windowStart: Date | null;
  windowEnd: Date | null;
  evaluatedAt: Date | null;
  stateSince: Date;
}

export interface SloListRow extends SloStatusView {
  id: string;
  key: string;
  name: string;
  serviceId: string;
  serviceName: string;
  owner: string;
  objective: number;
  window: WindowSpecInput;
  budgetingMethod: BudgetingMethodName;
  sliSource: SliSource;
  labels: Record<string, string>;
  /**
   * SLI of each of the last 30 UTC days, oldest first, the last entry being
   * today (so far); null on days without data. Plain numbers, not {day, sli}
   * objects: 1,000 SLOs × 30 Dates would dominate the list's serialisation.
   */
  spark: Array<number | null>;
}

export interface SloDefinition {
  id: string;
  key: string;
  name: string;
  description: string;
  owner: string;
  serviceId: string;
  serviceName: string;
  sli: SliSpec;
  objective: number;
  window: WindowSpecInput;
  budgetingMethod: BudgetingMethodName;
  timesliceTarget: number | null;
  alerting: AlertingSpec;
  labels: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
}

export interface AdjustmentView {
  id: string;
  start: Date;
  end: Date;
  reason: string;
  createdBy: string | null;
  createdAt: Date;
}

export interface BudgetEventView {
  id: number;
  at: Date;
  fromTier: string | null;
  toTier: string | null;
  remaining: number | null;
  cause: string;
}

export interface BurnRuleView {
  name: string;
  severity: "ticket" | "page";
  longWindow: string;
  shortWindow: string;
  threshold: number;
  budgetFraction: number;
  longBurn: number | null;
  shortBurn: number | null;
  firing: boolean;
}

export interface PolicyView {
  id: string;
  name: string;
  scope: "service" | "slo";
  serviceId: string | null;
  serviceName: string | null;
  sloId: string | null;
  sloName: string | null;
  tiers: PolicyTier[];
  updatedAt: Date;
}

export interface GateReason {
  slo: { id: string; key: string; name: string };
  tier: string;
  action: PolicyAction;
  remaining: number | null;
  policy: string;
}

export interface GateAnswer {
  allowed: boolean;
  service: { id: string; name: string };
  /** the SLOs and tiers that block (action "freeze"); empty when allowed */
  reasons: GateReason[];
  /** tiers in effect that do not block but should be known (notify, review) */
  warnings: GateReason[];
  /** an active admin override that let the deploy through although reasons exist */
  override: { id: string; justification: string; expiresAt: Date; createdBy: string | null } | null;
  checkedAt: Date;
}

export interface SloDetail {
  slo: SloDefinition;
  status: SloStatusView;
  rules: BurnRuleView[];
  adjustments: AdjustmentView[];
  budgetEvents: BudgetEventView[];
  policy: PolicyView | null;
  gate: GateAnswer;
  /** pulled sources: how far data has been folded in, and the last fetch error */
  source: { foldedUntil: Date | null; lastError: string | null; lastErrorAt: Date | null };
}

export interface SeriesPoint {
  /** start of the hour or day */
  t: Date;
  good: number;
  total: number;
  /** SLI of this period alone */
  sli: number | null;
  /** budget remaining over the window from its start up to the end of this period (burn-down) */
  remaining: number | null;
}

export interface SloSeries {
  resolution: "hour" | "day";
  points: SeriesPoint[];
  adjustments: AdjustmentView[];
  /** probe SLIs: the component's maintenance time in range (left out of the SLI), as merged ranges */
  maintenance: Array<{ start: Date; end: Date }>;
}

export interface PreviewWindow {
  days: number;
  good: number;
  total: number;
  sli: number | null;
  consumed: number | null;
  remaining: number | null;
  state: SloStateName;
}

export interface PreviewResult {
  windows: PreviewWindow[];
  /** one point per UTC day over the last 30 days */
  daily: Array<{ day: Date; good: number; total: number; sli: number | null }>;
  /** why a preview has no data (e.g. a push SLI not saved yet) */
  note: string | null;
}

export interface TokenView {
  id: string;
  name: string;
  serviceId: string;
  serviceName: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface OverrideView {
  id: string;
  serviceId: string;
  serviceName: string;
  justification: string;
  expiresAt: Date;
  createdBy: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface ImportReport {
  dryRun: boolean;
  /** SLOs created or updated (by key) */
  slos: Array<{ key: string; name: string; action: "create" | "update" }>;
  /** fields present in the YAML that Bulwark does not model: reported, not silently dropped */
  unsupported: Array<{ document: number; path: string; note: string }>;
}

export interface ReportRow {
  sloId: string;
  key: string;
  name: string;
  objective: number;
  good: number;
  total: number;
  sli: number | null;
  met: boolean | null;
  consumed: number | null;
  /** worst day of the month */
  worstDay: { day: Date; sli: number } | null;
  adjustments: number;
  breaches: number;
}

export interface ServiceReport {
  service: { id: string; name: string };
  month: string;
  start: Date;
  end: Date;
  rows: ReportRow[];
}
