/**
 * Writing SLO definitions: shared by the create/update verbs and the OpenSLO
 * importer, so every path validates the same things (component exists, key is
 * unique) and records the same audit and outbox rows.
 */
import { and, eq, ne, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { budgetAdjustments, components, services, sliDays, sliHours, sliSourceCursors, sloStatus, slos } from "@/db/schema";
import type { MutationScope } from "../core/verb";
import { AppError } from "../errors";
import { resolveService } from "../health/resolve-service";
import { type SloParsed, slugify } from "./schemas";
import type { AdjustmentView, SloDefinition } from "./types";
import { toDefinition } from "./slo-row";

type Scope = Pick<MutationScope<unknown>, "audit" | "emit">;

async function assertSliTargetExists(tx: Tx, input: SloParsed): Promise<void> {
  if (input.sli.source !== "probe") return;
  const [c] = await tx.select({ id: components.id }).from(components).where(eq(components.id, input.sli.componentId));
  if (!c) {
    throw new AppError("BAD_REQUEST", `Unknown component ${input.sli.componentId}`, { fieldErrors: { "sli.componentId": ["No component with this id: pick one from the list"] } });
  }
}

async function assertKeyFree(tx: Tx, key: string, exceptId: string | null): Promise<void> {
  const where = exceptId ? and(eq(slos.key, key), ne(slos.id, exceptId)) : eq(slos.key, key);
  const [taken] = await tx.select({ id: slos.id }).from(slos).where(where);
  if (taken) throw new AppError("CONFLICT", `Another SLO already uses the key "${key}"`, { fieldErrors: { key: [`"${key}" is taken: choose another key`] } });
}

function columns(input: SloParsed, serviceId: string, key: string) {
  return {
    serviceId,
    key,
    name: input.name,
    description: input.description,
    owner: input.owner,
    sli: input.sli as Record<string, unknown>,
    objective: input.objective,
    window: input.window as Record<string, unknown>,
    budgetingMethod: input.budgetingMethod,
    timesliceTarget: input.budgetingMethod === "occurrences" ? null : (input.timesliceTarget ?? null),
    alerting: input.alerting as Record<string, unknown>,
    labels: input.labels,
  };
}

async function serviceName(tx: Tx, id: string): Promise<string> {
  const [s] = await tx.select({ name: services.name }).from(services).where(eq(services.id, id));
  return s?.name ?? "";
}

export async function insertSlo(tx: Tx, input: SloParsed, scope: Scope): Promise<SloDefinition> {
  await assertSliTargetExists(tx, input);
  const key = input.key ?? slugify(input.name);
  await assertKeyFree(tx, key, null);
  const service = await resolveService(tx, input.service, scope.audit);
  const [row] = await tx.insert(slos).values(columns(input, service.id, key)).returning();
  if (!row) throw new Error("SLO insert returned no row");
  await tx.insert(sloStatus).values({ sloId: row.id });
  await scope.audit({ action: "slo.create", targetType: "slo", targetId: row.id, details: { key, name: row.name, service: service.name, objective: row.objective } });
  await scope.emit({ type: "slo.created", topic: "slo", payload: { sloId: row.id, key } });
  return toDefinition(row, service.name);
}

/** JSON with sorted keys: jsonb hands keys back in its own order, so plain stringify would see changes that are not there. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

export async function updateSloRow(tx: Tx, id: string, input: SloParsed, scope: Scope): Promise<SloDefinition> {
  const [before] = await tx.select().from(slos).where(eq(slos.id, id)).for("update");
  if (!before) throw new AppError("NOT_FOUND", `SLO ${id} not found`);
  await assertSliTargetExists(tx, input);
  const key = input.key ?? before.key;
  await assertKeyFree(tx, key, id);
  const service = await resolveService(tx, input.service, scope.audit);
  const values = columns(input, service.id, key);
  const [row] = await tx
    .update(slos)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(slos.id, id))
    .returning();
  if (!row) throw new AppError("NOT_FOUND", `SLO ${id} not found`);
  const sliChanged = canonical(before.sli) !== canonical(values.sli);
  if (sliChanged) {
    // Counts from another source would be mixed with the new one's: start the SLI afresh.
    await tx.execute(sql`delete from sli_minutes where slo_id = ${id}`);
    await tx.delete(sliHours).where(eq(sliHours.sloId, id));
    await tx.delete(sliDays).where(eq(sliDays.sloId, id));
    await tx.delete(sliSourceCursors).where(eq(sliSourceCursors.sloId, id));
  }
  if (sliChanged || before.budgetingMethod !== row.budgetingMethod || before.timesliceTarget !== row.timesliceTarget) {
    // The time-slice view depends on method and target: recount it.
    const dirty = row.budgetingMethod !== "occurrences";
    await tx.update(sliHours).set({ slicesDirty: dirty }).where(eq(sliHours.sloId, id));
    await tx.update(sliDays).set({ slicesDirty: dirty }).where(eq(sliDays.sloId, id));
  }
  const changed = Object.keys(values).filter((k) => canonical(values[k as keyof typeof values]) !== canonical(before[k as keyof typeof before]));
  await scope.audit({ action: "slo.update", targetType: "slo", targetId: id, details: { key, changed, sliReset: sliChanged } });
  await scope.emit({ type: "slo.updated", topic: "slo", payload: { sloId: id, key } });
  return toDefinition(row, service.name);
}

/** For the OpenSLO importer: create, or update the SLO with the same key. */
export async function upsertSloByKey(tx: Tx, input: SloParsed, scope: Scope): Promise<{ id: string; key: string; action: "create" | "update" }> {
  const key = input.key ?? slugify(input.name);
  const [existing] = await tx.select({ id: slos.id }).from(slos).where(eq(slos.key, key));
  if (existing) {
    await updateSloRow(tx, existing.id, { ...input, key }, scope);
    return { id: existing.id, key, action: "update" };
  }
  const created = await insertSlo(tx, { ...input, key }, scope);
  return { id: created.id, key, action: "create" };
}

export async function deleteSloRow(tx: Tx, id: string, scope: Scope): Promise<{ id: string }> {
  const [gone] = await tx.delete(slos).where(eq(slos.id, id)).returning({ id: slos.id, key: slos.key, name: slos.name, serviceId: slos.serviceId });
  if (!gone) throw new AppError("NOT_FOUND", `SLO ${id} not found`);
  // sli_minutes is partitioned and has no foreign key; its rows go by hand.
  await tx.execute(sql`delete from sli_minutes where slo_id = ${id}`);
  await scope.audit({ action: "slo.delete", targetType: "slo", targetId: id, details: { key: gone.key, name: gone.name, service: await serviceName(tx, gone.serviceId) } });
  await scope.emit({ type: "slo.deleted", topic: "slo", payload: { sloId: id, key: gone.key } });
  return { id };
}

export async function insertAdjustment(
  tx: Tx,
  input: { sloId: string; start: Date; end: Date; reason: string },
  createdBy: string | null,
  scope: Scope,
): Promise<AdjustmentView> {
  const [slo] = await tx.select({ id: slos.id, key: slos.key }).from(slos).where(eq(slos.id, input.sloId));
  if (!slo) throw new AppError("BAD_REQUEST", `Unknown SLO ${input.sloId}`, { fieldErrors: { sloId: ["No SLO with this id"] } });
  const [row] = await tx.insert(budgetAdjustments).values({ sloId: slo.id, startAt: input.start, endAt: input.end, reason: input.reason, createdBy }).returning();
  if (!row) throw new Error("adjustment insert returned no row");
  await scope.audit({
    action: "slo.adjustment.add",
    targetType: "slo",
    targetId: slo.id,
    details: { adjustmentId: row.id, start: input.start.toISOString(), end: input.end.toISOString(), reason: input.reason },
  });
  await scope.emit({ type: "slo.adjustment", topic: "slo", payload: { sloId: slo.id, key: slo.key, adjustmentId: row.id } });
  return { id: row.id, start: row.startAt, end: row.endAt, reason: row.reason, createdBy: null, createdAt: row.createdAt };
}

export async function deleteAdjustment(tx: Tx, id: string, scope: Scope): Promise<{ id: string }> {
  const [gone] = await tx.delete(budgetAdjustments).where(eq(budgetAdjustments.id, id)).returning();
  if (!gone) throw new AppError("NOT_FOUND", `Adjustment ${id} not found`);
  await scope.audit({
    action: "slo.adjustment.remove",
    targetType: "slo",
    targetId: gone.sloId,
    details: { adjustmentId: id, start: gone.startAt.toISOString(), end: gone.endAt.toISOString(), reason: gone.reason },
  });
  await scope.emit({ type: "slo.adjustment", topic: "slo", payload: { sloId: gone.sloId, adjustmentId: id } });
  return { id };
}
