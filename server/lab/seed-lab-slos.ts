import type { Db } from "@/db/client";
import { systemActor } from "../core/actor";
import type { VerbCtx } from "../core/verb";
import { healthOverview } from "../health/queries";
import { savePolicy } from "../slo/policies";
import { DEFAULT_POLICY_TIERS, type SloInput } from "../slo/schemas";
import { createSlo } from "../slo/slo-verbs";
import { listSlos } from "../slo/queries";
import { LAB_SERVICE } from "./seed-lab";

/**
 * The lab's SLOs, so the SLO pages show a live budget from the first minutes:
 * the sample API's availability and latency from its probes, and the checkout
 * flow (which needs the database) as a time-slice SLO. Turning the lab card's
 * knobs spends their budgets; the default policy then closes the deploy gate.
 */
function labSlos(componentIds: Map<string, string>): SloInput[] {
  const api = componentIds.get("API /health");
  const checkout = componentIds.get("Checkout /health/ready");
  const out: SloInput[] = [];
  if (api) {
    out.push(
      {
        service: LAB_SERVICE,
        key: "lab-api-availability",
        name: "Sample API availability",
        description: "Share of successful /health checks of the sample API.",
        owner: "lab",
        sli: { source: "probe", componentId: api, measure: "availability" },
        objective: 0.995,
        window: { kind: "rolling", days: 7 },
        labels: { lab: "true" },
      },
      {
        service: LAB_SERVICE,
        key: "lab-api-latency",
        name: "Sample API latency under 300 ms",
        description: "Share of /health checks that succeed within 300 ms.",
        owner: "lab",
        sli: { source: "probe", componentId: api, measure: "latency", thresholdMs: 300 },
        objective: 0.99,
        window: { kind: "rolling", days: 7 },
        labels: { lab: "true" },
      },
    );
  }
  if (checkout) {
    out.push({
      service: LAB_SERVICE,
      key: "lab-checkout-minutes",
      name: "Checkout good minutes",
      description: "Minutes in which at least 95 % of checkout readiness checks passed.",
      owner: "lab",
      sli: { source: "probe", componentId: checkout, measure: "availability" },
      objective: 0.999,
      window: { kind: "calendar", unit: "month" },
      budgetingMethod: "timeslices",
      timesliceTarget: 0.95,
      labels: { lab: "true" },
    });
  }
  return out;
}

/** Creates the lab's SLOs and its service policy when missing (also on installs that predate them). */
export async function seedLabSlos(db: Db): Promise<number> {
  const ctx: VerbCtx = { actor: systemActor("lab"), db, requestId: null };
  const overview = await healthOverview(db);
  const ids = new Map(overview.components.filter((c) => c.serviceName === LAB_SERVICE).map((c) => [c.name, c.id] as const));
  const existing = new Set((await listSlos(db, {})).map((s) => s.key));
  const missing = labSlos(ids).filter((s) => s.key && !existing.has(s.key));
  for (const input of missing) await createSlo({ ctx, input });
  if (existing.size === 0 && missing.length > 0) {
    await savePolicy({ ctx, input: { name: "Demo lab budget policy", service: LAB_SERVICE, tiers: DEFAULT_POLICY_TIERS } });
  }
  return missing.length;
}
