/**
 * SLO rows as the evaluator needs them, parsed through the same zod schemas
 * the API uses. A row that no longer parses (hand-edited jsonb, a schema
 * change) becomes a `BrokenSlo` with the reason, so it is reported as state
 * "error" instead of stopping the cycle.
 */
import type { Sql, TransactionSql } from "postgres";
import { DEFAULT_MIN_SHORT_WINDOW_EVENTS, effectiveRules, type ScaledRule } from "../math/burn-alerts";
import { assertObjective } from "../math/budget";
import type { WindowSpec } from "../math/windows";
import { type AlertingSpec, type BudgetingMethodName, type SliSpec, alertingSpec, sliSpec, windowSpec } from "../schemas";

export interface SloRow {
  id: string;
  key: string;
  name: string;
  service_id: string;
  sli: unknown;
  objective: number;
  window: unknown;
  budgeting_method: BudgetingMethodName;
  timeslice_target: number | null;
  alerting: unknown;
}

export interface ParsedSlo {
  ok: true;
  id: string;
  key: string;
  name: string;
  serviceId: string;
  sli: SliSpec;
  objective: number;
  window: WindowSpec;
  method: BudgetingMethodName;
  /** time-slice SLOs count minutes (slice columns), occurrence SLOs count events */
  sliced: boolean;
  timesliceTarget: number | null;
  alerting: AlertingSpec;
  minShortWindowEvents: number;
}

export interface BrokenSlo {
  ok: false;
  id: string;
  key: string;
  name: string;
  serviceId: string;
  error: string;
}

export async function loadSloRows(sql: Sql | TransactionSql): Promise<SloRow[]> {
  return sql<SloRow[]>`
    select id, key, name, service_id, sli, objective, "window", budgeting_method, timeslice_target, alerting
    from slos order by id`;
}

const issues = (what: string, e: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }) =>
  `${what}: ${e.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ")}`;

export function parseSlo(row: SloRow): ParsedSlo | BrokenSlo {
  const base = { id: row.id, key: row.key, name: row.name, serviceId: row.service_id };
  const sli = sliSpec.safeParse(row.sli);
  if (!sli.success) return { ok: false, ...base, error: issues("Stored SLI is invalid", sli.error) };
  const window = windowSpec.safeParse(row.window);
  if (!window.success) return { ok: false, ...base, error: issues("Stored window is invalid", window.error) };
  const alerting = alertingSpec.safeParse(row.alerting ?? {});
  if (!alerting.success) return { ok: false, ...base, error: issues("Stored alerting settings are invalid", alerting.error) };
  try {
    assertObjective(row.objective);
  } catch (err) {
    return { ok: false, ...base, error: err instanceof Error ? err.message : String(err) };
  }
  const sliced = row.budgeting_method !== "occurrences";
  if (row.budgeting_method === "timeslices" && row.timeslice_target === null) {
    return { ok: false, ...base, error: "A time-slice SLO needs a per-minute target (timeslice_target is empty)" };
  }
  return {
    ok: true,
    ...base,
    sli: sli.data,
    objective: row.objective,
    window: window.data,
    method: row.budgeting_method,
    sliced,
    timesliceTarget: row.timeslice_target,
    alerting: alerting.data,
    minShortWindowEvents: alerting.data.minShortWindowEvents ?? DEFAULT_MIN_SHORT_WINDOW_EVENTS[sliced ? "timeslices" : "occurrences"],
  };
}

/** The burn rules of one SLO, scaled to its window with its overrides. */
export function rulesFor(slo: ParsedSlo, windowMinutes: number): ScaledRule[] {
  return effectiveRules({ windowMinutes, overrides: slo.alerting.overrides });
}
