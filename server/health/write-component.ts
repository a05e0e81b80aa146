import { createHash, randomBytes, randomUUID } from "node:crypto";
import { and, eq, ne, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { componentStatus, components } from "@/db/schema";
import { AppError } from "../errors";
import type { MutationScope } from "../core/verb";
import { sealConfigSecrets } from "./config-secrets";
import { resolveService } from "./resolve-service";
import type { ComponentSpec } from "./schemas";
import { shardFor } from "./shard";

type Scope = Pick<MutationScope<unknown>, "audit" | "emit">;

export const hashPushToken = (token: string) => createHash("sha256").update(token).digest("hex");
export const newPushToken = () => randomBytes(24).toString("base64url");

async function assertNameFree(tx: Tx, serviceId: string, name: string, exceptId?: string, field = "name"): Promise<void> {
  const clash = await tx
    .select({ id: components.id })
    .from(components)
    .where(and(eq(components.serviceId, serviceId), eq(sql`lower(${components.name})`, name.toLowerCase()), exceptId ? ne(components.id, exceptId) : undefined));
  if (clash.length) throw new AppError("CONFLICT", `This service already has a component named ${name}`, { fieldErrors: { [field]: ["Already used in this service"] } });
}

function columns(spec: ComponentSpec, serviceId: string, config: Record<string, unknown>) {
  return {
    serviceId,
    name: spec.name,
    kind: spec.kind,
    config,
    intervalMs: spec.intervalMs,
    timeoutMs: spec.timeoutMs,
    unhealthyThreshold: spec.unhealthyThreshold,
    healthyThreshold: spec.healthyThreshold,
    degradedLatencyMs: spec.degradedLatencyMs ?? null,
    tags: spec.tags,
  };
}

/** Inserts a component and its status row; a push component gets a token, returned once. */
export async function insertComponent(tx: Tx, spec: ComponentSpec, { audit, emit }: Scope, fieldPrefix = "") {
  const service = await resolveService(tx, spec.service, audit);
  await assertNameFree(tx, service.id, spec.name, undefined, `${fieldPrefix}name`);
  const id = randomUUID();
  const pushToken = spec.kind === "push" ? newPushToken() : undefined;
  await tx.insert(components).values({
    id,
    shard: shardFor(id),
    pushTokenHash: pushToken ? hashPushToken(pushToken) : null,
    ...columns(spec, service.id, sealConfigSecrets(spec.config)),
  });
  await tx.insert(componentStatus).values({ componentId: id });
  await audit({ action: "component.create", targetType: "component", targetId: id, details: { name: spec.name, kind: spec.kind, service: service.name } });
  await emit({ type: "component.created", topic: "health", payload: { componentId: id } });
  return { id, pushToken };
}

/** Replaces a component's definition; the kind may change, stored secrets stay unless replaced. */
export async function updateComponentRow(tx: Tx, id: string, spec: ComponentSpec, { audit, emit }: Scope, fieldPrefix = "") {
  const [before] = await tx.select().from(components).where(eq(components.id, id)).for("update");
  if (!before) throw new AppError("NOT_FOUND", `Component ${id} not found`);
  const service = await resolveService(tx, spec.service, audit);
  await assertNameFree(tx, service.id, spec.name, id, `${fieldPrefix}name`);
  const config = sealConfigSecrets(spec.config, before.kind === spec.kind ? before.config : undefined);
  const needsToken = spec.kind === "push" && !before.pushTokenHash;
  const pushToken = needsToken ? newPushToken() : undefined;
  await tx
    .update(components)
    .set({ ...columns(spec, service.id, config), ...(pushToken ? { pushTokenHash: hashPushToken(pushToken) } : {}), updatedAt: sql`now()` })
    .where(eq(components.id, id));
  const changed = Object.keys(columns(spec, service.id, config)).filter(
    (k) => JSON.stringify((before as Record<string, unknown>)[k]) !== JSON.stringify((columns(spec, service.id, config) as Record<string, unknown>)[k]),
  );
  await audit({ action: "component.update", targetType: "component", targetId: id, details: { name: spec.name, changed } });
  await emit({ type: "component.updated", topic: "health", payload: { componentId: id } });
  return { id, pushToken };
}
