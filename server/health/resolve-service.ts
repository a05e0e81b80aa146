import { eq, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { services } from "@/db/schema";
import type { AuditEntry } from "../audit/record-audit";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A component names its service by id or by name; a new name creates the service (audited). */
export async function resolveService(tx: Tx, ref: string, audit: (e: AuditEntry) => Promise<void>): Promise<{ id: string; name: string }> {
  if (uuidPattern.test(ref)) {
    const [byId] = await tx.select({ id: services.id, name: services.name }).from(services).where(eq(services.id, ref));
    if (byId) return byId;
  }
  const [byName] = await tx.select({ id: services.id, name: services.name }).from(services).where(eq(sql`lower(${services.name})`, ref.toLowerCase()));
  if (byName) return byName;
  const [created] = await tx
    .insert(services)
    .values({ name: ref })
    .onConflictDoNothing()
    .returning({ id: services.id, name: services.name });
  if (created) {
    await audit({ action: "service.create", targetType: "service", targetId: created.id, details: { name: ref } });
    return created;
  }
  // Created concurrently by another transaction.
  const [again] = await tx.select({ id: services.id, name: services.name }).from(services).where(eq(sql`lower(${services.name})`, ref.toLowerCase()));
  if (!again) throw new Error(`service ${ref} vanished`);
  return again;
}
