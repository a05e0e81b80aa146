import { eq, or, sql } from "drizzle-orm";
import type { DbOrTx, Tx } from "@/db/client";
import { services } from "@/db/schema";
import type { AuditEntry } from "../audit/record-audit";
import { isUuid } from "../core/is-uuid";
import { AppError } from "../errors";

type ServiceRef = { id: string; name: string };

/**
 * A service by id or (case-insensitive) name, or null. Unlike resolveService it
 * never creates one: a token, policy or override for a mistyped name must fail,
 * not invent a service.
 */
export async function findService(db: DbOrTx, ref: string): Promise<ServiceRef | null> {
  const byId = isUuid(ref) ? eq(services.id, ref) : undefined;
  const rows = await db
    .select({ id: services.id, name: services.name })
    .from(services)
    .where(or(byId, eq(sql`lower(${services.name})`, ref.trim().toLowerCase())));
  return rows.find((r) => r.id === ref) ?? rows[0] ?? null;
}

/** The service or a NOT_FOUND naming the form field that referred to it. */
export async function requireService(db: DbOrTx, ref: string, field = "service"): Promise<ServiceRef> {
  const s = await findService(db, ref);
  if (!s) throw new AppError("NOT_FOUND", `No service named ${ref}`, { fieldErrors: { [field]: [`No service named ${ref}`] } });
  return s;
}

/** A component names its service by id or by name; a new name creates the service (audited). */
export async function resolveService(tx: Tx, ref: string, audit: (e: AuditEntry) => Promise<void>): Promise<ServiceRef> {
  const found = await findService(tx, ref);
  if (found) return found;
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
  const again = await findService(tx, ref);
  if (!again) throw new Error(`service ${ref} vanished`);
  return again;
}
