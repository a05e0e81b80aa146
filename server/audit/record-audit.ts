import { auditLog } from "@/db/schema";
import type { Tx } from "@/db/client";
import { type Actor, actorLabel } from "../core/actor";

export type AuditEntry = {
  action: string;
  targetType: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
};

export async function recordAudit(tx: Tx, actor: Actor, requestId: string | null, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    actorType: actor.type,
    actorId: actor.type === "user" ? actor.id : null,
    actorLabel: actorLabel(actor),
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    requestId,
    details: entry.details ?? {},
  });
}
