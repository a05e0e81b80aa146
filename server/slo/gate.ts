/**
 * The deploy gate: may this service deploy now? Answered from the SLOs'
 * current remaining budget and the error-budget policy that applies to each
 * (server/slo/policy-tiers.ts, the same rule the evaluator records tier
 * changes with). The tier is computed here from current remaining and current
 * policy rather than read from slo_status.policy_tier, so a policy edit takes
 * effect at once instead of after the next evaluation cycle.
 */
import { and, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { gateOverrides, services, users } from "@/db/schema";
import { type VerbCtx, mutation } from "../core/verb";
import { AppError } from "../errors";
import { findService, requireService } from "../health/resolve-service";
import { policiesBySlo, tierInEffect } from "./policy-tiers";
import { gateOverrideInput, overrideIdInput } from "./schemas";
import type { GateAnswer, GateReason, OverrideView } from "./types";

type Args = { ctx: VerbCtx; input: unknown };

/** `service` is an id or a name. */
export async function gateAnswer(db: Db, service: string, now: Date = new Date()): Promise<GateAnswer> {
  const svc = await findService(db, service);
  if (!svc) throw new AppError("NOT_FOUND", `No service named ${service}`);
  const sqlc = db.$client;
  const slos = await sqlc<{ id: string; key: string; name: string; remaining: number | null }[]>`
    select s.id, s.key, s.name, st.remaining
    from slos s left join slo_status st on st.slo_id = s.id
    where s.service_id = ${svc.id}
    order by s.name, s.key`;
  const policies = slos.length ? await policiesBySlo(sqlc, slos.map((s) => s.id)) : new Map();
  const reasons: GateReason[] = [];
  const warnings: GateReason[] = [];
  for (const s of slos) {
    const policy = policies.get(s.id);
    if (!policy) continue;
    const tier = tierInEffect(policy.tiers, s.remaining);
    if (!tier) continue;
    const reason: GateReason = { slo: { id: s.id, key: s.key, name: s.name }, tier: tier.name, action: tier.action, remaining: s.remaining, policy: policy.policyName };
    (tier.action === "freeze" ? reasons : warnings).push(reason);
  }
  let override: GateAnswer["override"] = null;
  if (reasons.length) {
    const [o] = await db
      .select({ id: gateOverrides.id, justification: gateOverrides.justification, expiresAt: gateOverrides.expiresAt, createdBy: users.email })
      .from(gateOverrides)
      .leftJoin(users, eq(users.id, gateOverrides.createdBy))
      .where(and(eq(gateOverrides.serviceId, svc.id), isNull(gateOverrides.revokedAt), gt(gateOverrides.expiresAt, now)))
      .orderBy(desc(gateOverrides.expiresAt))
      .limit(1);
    override = o ?? null;
  }
  return { allowed: reasons.length === 0 || override !== null, service: svc, reasons, warnings, override, checkedAt: now };
}

const overrideColumns = {
  id: gateOverrides.id,
  serviceId: gateOverrides.serviceId,
  serviceName: services.name,
  justification: gateOverrides.justification,
  expiresAt: gateOverrides.expiresAt,
  createdBy: users.email,
  createdAt: gateOverrides.createdAt,
  revokedAt: gateOverrides.revokedAt,
};

function overrideQuery(db: DbOrTx) {
  return db
    .select(overrideColumns)
    .from(gateOverrides)
    .innerJoin(services, eq(services.id, gateOverrides.serviceId))
    .leftJoin(users, eq(users.id, gateOverrides.createdBy));
}

async function overrideView(db: DbOrTx, id: string): Promise<OverrideView> {
  const [v] = await overrideQuery(db).where(eq(gateOverrides.id, id));
  if (!v) throw new Error(`override ${id} vanished`);
  return v;
}

/** Active overrides and those of the last 30 days (expired or revoked), newest first. */
export async function listOverrides(db: Db): Promise<OverrideView[]> {
  return overrideQuery(db)
    .where(
      or(
        and(isNull(gateOverrides.revokedAt), gt(gateOverrides.expiresAt, sql`now()`)),
        gt(gateOverrides.createdAt, sql`now() - interval '30 days'`),
      ),
    )
    .orderBy(desc(gateOverrides.createdAt))
    .limit(200);
}

export async function grantOverride({ ctx, input }: Args): Promise<OverrideView> {
  return mutation(ctx, { role: "admin", schema: gateOverrideInput, input }, async ({ tx, input, actor, audit, emit }) => {
    const svc = await requireService(tx, input.service);
    const [row] = await tx
      .insert(gateOverrides)
      .values({
        serviceId: svc.id,
        justification: input.justification,
        expiresAt: sql`now() + make_interval(mins => ${input.durationMinutes}::int)`,
        createdBy: actor.type === "user" ? actor.id : null,
      })
      .returning({ id: gateOverrides.id, expiresAt: gateOverrides.expiresAt });
    if (!row) throw new Error("override insert returned no row");
    await audit({
      action: "slo.gate.override",
      targetType: "service",
      targetId: svc.id,
      details: { overrideId: row.id, service: svc.name, justification: input.justification, durationMinutes: input.durationMinutes, expiresAt: row.expiresAt.toISOString() },
    });
    await emit({ type: "slo.gate.override", topic: "slo", payload: { overrideId: row.id, serviceId: svc.id } });
    return overrideView(tx, row.id);
  });
}

export async function revokeOverride({ ctx, input }: Args): Promise<OverrideView> {
  return mutation(ctx, { role: "admin", schema: overrideIdInput, input }, async ({ tx, input, audit, emit, unchanged }) => {
    const [o] = await tx.select().from(gateOverrides).where(eq(gateOverrides.id, input.id)).for("update");
    if (!o) throw new AppError("NOT_FOUND", `Override ${input.id} not found`);
    if (o.revokedAt) {
      unchanged();
      return overrideView(tx, o.id);
    }
    await tx.update(gateOverrides).set({ revokedAt: sql`now()` }).where(eq(gateOverrides.id, o.id));
    await audit({ action: "slo.gate.override.revoke", targetType: "service", targetId: o.serviceId, details: { overrideId: o.id, justification: o.justification } });
    await emit({ type: "slo.gate.override.revoked", topic: "slo", payload: { overrideId: o.id, serviceId: o.serviceId } });
    return overrideView(tx, o.id);
  });
}
