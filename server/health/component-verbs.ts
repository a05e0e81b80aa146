import { eq, sql } from "drizzle-orm";
import { componentStatus, components, healthTransitions, maintenanceWindows } from "@/db/schema";
import { AppError } from "../errors";
import { type VerbCtx, mutation } from "../core/verb";
import { componentIdInput, componentInput, maintenanceInput, setPausedInput, updateComponentInput } from "./schemas";
import { z } from "zod";
import { hashPushToken, insertComponent, newPushToken, updateComponentRow } from "./write-component";

type Args = { ctx: VerbCtx; input: unknown };

export async function createComponent({ ctx, input }: Args) {
  return mutation(ctx, { role: "operator", schema: componentInput, input }, (s) => insertComponent(s.tx, s.input, s));
}

export async function updateComponent({ ctx, input }: Args) {
  return mutation(ctx, { role: "operator", schema: updateComponentInput, input }, (s) => updateComponentRow(s.tx, s.input.id, s.input.component, s));
}

export async function deleteComponent({ ctx, input }: Args) {
  return mutation(ctx, { role: "admin", schema: componentIdInput, input }, async ({ tx, input, audit, emit }) => {
    const [gone] = await tx.delete(components).where(eq(components.id, input.id)).returning({ id: components.id, name: components.name });
    if (!gone) throw new AppError("NOT_FOUND", `Component ${input.id} not found`);
    await audit({ action: "component.delete", targetType: "component", targetId: gone.id, details: { name: gone.name } });
    await emit({ type: "component.deleted", topic: "health", payload: { componentId: gone.id } });
    return { id: gone.id };
  });
}

/** Pausing stops probing and shows "paused"; resuming starts from unknown, like a new component. */
export async function setComponentPaused({ ctx, input }: Args) {
  return mutation(ctx, { role: "operator", schema: setPausedInput, input }, async ({ tx, input, audit, emit, unchanged }) => {
    const [c] = await tx.select().from(components).where(eq(components.id, input.id)).for("update");
    if (!c) throw new AppError("NOT_FOUND", `Component ${input.id} not found`);
    if (c.paused === input.paused) {
      unchanged();
      return { id: c.id, paused: c.paused };
    }
    await tx.update(components).set({ paused: input.paused, updatedAt: sql`now()` }).where(eq(components.id, c.id));
    const [st] = await tx.select().from(componentStatus).where(eq(componentStatus.componentId, c.id)).for("update");
    const from = st?.state ?? "unknown";
    const to = input.paused ? "paused" : "unknown";
    await tx
      .update(componentStatus)
      .set({ state: to, stateSince: sql`now()`, consecutiveFailures: 0, consecutiveSuccesses: 0 })
      .where(eq(componentStatus.componentId, c.id));
    await tx.insert(healthTransitions).values({ componentId: c.id, fromState: from, toState: to, cause: input.paused ? "paused by operator" : "resumed by operator" });
    await audit({ action: input.paused ? "component.pause" : "component.resume", targetType: "component", targetId: c.id, details: { name: c.name } });
    await emit({ type: "component.updated", topic: "health", payload: { componentId: c.id } });
    await emit({ type: "health.signal", topic: "health", payload: { componentId: c.id, state: to, ok: null, latencyMs: null, message: null, at: new Date().toISOString() } });
    return { id: c.id, paused: input.paused };
  });
}

export async function rotatePushToken({ ctx, input }: Args) {
  return mutation(ctx, { role: "operator", schema: componentIdInput, input }, async ({ tx, input, audit }) => {
    const [c] = await tx.select().from(components).where(eq(components.id, input.id)).for("update");
    if (!c) throw new AppError("NOT_FOUND", `Component ${input.id} not found`);
    if (c.kind !== "push") throw new AppError("BAD_REQUEST", "Only push components have a heartbeat token");
    const pushToken = newPushToken();
    await tx.update(components).set({ pushTokenHash: hashPushToken(pushToken), updatedAt: sql`now()` }).where(eq(components.id, c.id));
    await audit({ action: "component.push_token.rotate", targetType: "component", targetId: c.id, details: { name: c.name } });
    return { pushToken };
  });
}

export async function addMaintenance({ ctx, input }: Args) {
  return mutation(ctx, { role: "operator", schema: maintenanceInput, input }, async ({ tx, input, actor, audit, emit }) => {
    const [row] = await tx
      .insert(maintenanceWindows)
      .values({
        componentId: input.componentId ?? null,
        serviceId: input.serviceId ?? null,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        recurrence: input.weeklyDays?.length ? { weekly: { days: input.weeklyDays } } : null,
        reason: input.reason,
        createdBy: actor.type === "user" ? actor.email : actor.type === "system" ? actor.name : "anonymous",
      })
      .returning({ id: maintenanceWindows.id });
    await audit({ action: "maintenance.create", targetType: input.componentId ? "component" : "service", targetId: input.componentId ?? input.serviceId, details: { windowId: row!.id, reason: input.reason } });
    await emit({ type: "maintenance.changed", topic: "health", payload: { windowId: row!.id } });
    return { id: row!.id };
  });
}

export async function removeMaintenance({ ctx, input }: Args) {
  return mutation(ctx, { role: "operator", schema: z.object({ id: z.uuid() }), input }, async ({ tx, input, audit, emit }) => {
    const [gone] = await tx.delete(maintenanceWindows).where(eq(maintenanceWindows.id, input.id)).returning();
    if (!gone) throw new AppError("NOT_FOUND", `Maintenance window ${input.id} not found`);
    await audit({ action: "maintenance.delete", targetType: gone.componentId ? "component" : "service", targetId: gone.componentId ?? gone.serviceId, details: { windowId: gone.id, reason: gone.reason } });
    await emit({ type: "maintenance.changed", topic: "health", payload: { windowId: gone.id } });
    return { id: gone.id };
  });
}
