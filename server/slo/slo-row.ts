import type { slos } from "@/db/schema";
import { AppError } from "../errors";
import { alertingSpec, sliSpec, windowSpec } from "./schemas";
import type { SloDefinition } from "./types";

type SloRow = typeof slos.$inferSelect;

/**
 * A stored row as the domain sees it. The JSON columns were written through
 * the same schemas, so a parse failure means someone edited the row by hand:
 * say which column, rather than hand a half-valid definition to the UI.
 */
export function toDefinition(row: SloRow, serviceName: string): SloDefinition {
  const sli = sliSpec.safeParse(row.sli);
  const window = windowSpec.safeParse(row.window);
  const alerting = alertingSpec.safeParse(row.alerting);
  if (!sli.success || !window.success || !alerting.success) {
    const bad = [!sli.success && "sli", !window.success && "window", !alerting.success && "alerting"].filter(Boolean).join(", ");
    throw new AppError("PRECONDITION_FAILED", `SLO ${row.key} has an invalid stored ${bad}; edit it to fix it`);
  }
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    owner: row.owner,
    serviceId: row.serviceId,
    serviceName,
    sli: sli.data,
    objective: row.objective,
    window: window.data,
    budgetingMethod: row.budgetingMethod,
    timesliceTarget: row.timesliceTarget,
    alerting: alerting.data,
    labels: row.labels,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
