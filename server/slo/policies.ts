/**
 * Error-budget policies: tiers of remaining budget and what each means
 * (notify, review, freeze), attached to a service (all its SLOs) or to one SLO,
 * which then wins over its service's (server/slo/policy-tiers.ts). This module
 * only stores them; the evaluator records tier changes over time and the gate
 * reads the tier in effect.
 */
import { and, asc, eq, isNotNull, isNull, ne, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db, DbOrTx } from "@/db/client";
import { errorBudgetPolicies, services, slos } from "@/db/schema";
import { type VerbCtx, mutation } from "../core/verb";
import { AppError } from "../errors";
import { requireService } from "../health/resolve-service";
import { type PolicyTier, policyIdInput, policyInput, policyTiers } from "./schemas";
import type { PolicyView } from "./types";

type Args = { ctx: VerbCtx; input: unknown };

const sloService = alias(services, "slo_service");

function policyQuery(db: DbOrTx) {
  return db
    .select({
      id: errorBudgetPolicies.id,
      name: errorBudgetPolicies.name,
      policyServiceId: errorBudgetPolicies.serviceId,
      serviceName: services.name,
      sloId: errorBudgetPolicies.sloId,
      sloName: slos.name,
      sloServiceId: slos.serviceId,
      sloServiceName: sloService.name,
      tiers: errorBudgetPolicies.tiers,
      updatedAt: errorBudgetPolicies.updatedAt,
    })
    .from(errorBudgetPolicies)
    .leftJoin(services, eq(services.id, errorBudgetPolicies.serviceId))
    .leftJoin(slos, eq(slos.id, errorBudgetPolicies.sloId))
    .leftJoin(sloService, eq(sloService.id, slos.serviceId));
}

type PolicyRow = Awaited<ReturnType<ReturnType<typeof policyQuery>["execute"]>>[number];

/** An SLO policy also names its SLO's service, so lists can group policies by service. */
function toView(r: PolicyRow): PolicyView {
  const parsed = policyTiers.safeParse(r.tiers);
  return {
    id: r.id,
    name: r.name,
    scope: r.sloId ? "slo" : "service",
    serviceId: r.policyServiceId ?? r.sloServiceId,
    serviceName: r.serviceName ?? r.sloServiceName,
    sloId: r.sloId,
    sloName: r.sloName,
    tiers: parsed.success ? parsed.data : [],
    updatedAt: r.updatedAt,
  };
}

async function policyView(db: DbOrTx, id: string): Promise<PolicyView> {
  const [r] = await policyQuery(db).where(eq(errorBudgetPolicies.id, id));
  if (!r) throw new Error(`policy ${id} vanished`);
  return toView(r);
}

/** Service policies first, then SLO policies, each by service and name. */
export async function listPolicies(db: Db): Promise<PolicyView[]> {
  const rows = await policyQuery(db).orderBy(
    sql`(${errorBudgetPolicies.sloId} is not null)`,
    asc(sql`lower(coalesce(${services.name}, ${sloService.name}))`),
    asc(errorBudgetPolicies.name),
  );
  return rows.map(toView);
}

/** Loosest first, the order people read tiers in (50 %, 25 %, exhausted). */
const ordered = (tiers: PolicyTier[]) => [...tiers].sort((a, b) => b.below - a.below);

/** Comparable form of stored or parsed tiers (jsonb does not keep key order). */
const tierKey = (tiers: ReadonlyArray<Record<string, unknown>>) => JSON.stringify(tiers.map((t) => [t.name, t.below, t.action]));

/**
 * Creates (no id) or updates a policy. One policy per service and one per SLO:
 * a second would make "which applies" depend on edit times, so it is refused
 * with a pointer to the existing one.
 */
export async function savePolicy({ ctx, input }: Args): Promise<PolicyView> {
  return mutation(ctx, { role: "admin", schema: policyInput, input }, async ({ tx, input, audit, emit, unchanged }) => {
    let serviceId: string | null = null;
    let sloId: string | null = null;
    let target: string;
    if (input.service !== undefined) {
      const svc = await requireService(tx, input.service);
      // Row locks on the target serialise two concurrent saves for it, so the one-policy check below holds.
      await tx.select({ id: services.id }).from(services).where(eq(services.id, svc.id)).for("no key update");
      serviceId = svc.id;
      target = `service ${svc.name}`;
    } else {
      const [slo] = await tx.select({ id: slos.id, key: slos.key }).from(slos).where(eq(slos.id, input.sloId!)).for("no key update");
      if (!slo) throw new AppError("NOT_FOUND", `SLO ${input.sloId} not found`, { fieldErrors: { sloId: ["No such SLO"] } });
      sloId = slo.id;
      target = `SLO ${slo.key}`;
    }
    const clash = await tx
      .select({ id: errorBudgetPolicies.id, name: errorBudgetPolicies.name })
      .from(errorBudgetPolicies)
      .where(
        and(
          serviceId ? and(eq(errorBudgetPolicies.serviceId, serviceId), isNull(errorBudgetPolicies.sloId)) : and(eq(errorBudgetPolicies.sloId, sloId!), isNotNull(errorBudgetPolicies.sloId)),
          input.id ? ne(errorBudgetPolicies.id, input.id) : undefined,
        ),
      );
    if (clash[0]) {
      const field = serviceId ? "service" : "sloId";
      throw new AppError("CONFLICT", `The ${target} already has a policy (${clash[0].name}); edit that one`, { fieldErrors: { [field]: [`Already has the policy ${clash[0].name}`] } });
    }
    const tiers = ordered(input.tiers);
    const values = { name: input.name, serviceId, sloId, tiers };
    let id: string;
    let created: boolean;
    if (input.id) {
      const [before] = await tx.select().from(errorBudgetPolicies).where(eq(errorBudgetPolicies.id, input.id)).for("update");
      if (!before) throw new AppError("NOT_FOUND", `Policy ${input.id} not found`);
      const same = before.name === values.name && before.serviceId === serviceId && before.sloId === sloId && tierKey(before.tiers) === tierKey(tiers);
      if (same) {
        unchanged();
        return policyView(tx, before.id);
      }
      await tx.update(errorBudgetPolicies).set({ ...values, updatedAt: sql`now()` }).where(eq(errorBudgetPolicies.id, before.id));
      id = before.id;
      created = false;
    } else {
      const [row] = await tx.insert(errorBudgetPolicies).values(values).returning({ id: errorBudgetPolicies.id });
      if (!row) throw new Error("policy insert returned no row");
      id = row.id;
      created = true;
    }
    await audit({ action: "slo.policy.save", targetType: "error_budget_policy", targetId: id, details: { name: input.name, created, attachedTo: target, tiers } });
    await emit({ type: "budget.policy.changed", topic: "slo", payload: { policyId: id, serviceId, sloId } });
    return policyView(tx, id);
  });
}

export async function deletePolicy({ ctx, input }: Args): Promise<{ id: string }> {
  return mutation(ctx, { role: "admin", schema: policyIdInput, input }, async ({ tx, input, audit, emit }) => {
    const [gone] = await tx.delete(errorBudgetPolicies).where(eq(errorBudgetPolicies.id, input.id)).returning();
    if (!gone) throw new AppError("NOT_FOUND", `Policy ${input.id} not found`);
    await audit({ action: "slo.policy.delete", targetType: "error_budget_policy", targetId: gone.id, details: { name: gone.name, serviceId: gone.serviceId, sloId: gone.sloId, tiers: gone.tiers } });
    await emit({ type: "budget.policy.changed", topic: "slo", payload: { policyId: gone.id, serviceId: gone.serviceId, sloId: gone.sloId, deleted: true } });
    return { id: gone.id };
  });
}
