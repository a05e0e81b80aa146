import { and, count, eq, ne, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { advisoryLocks } from "@/db/advisory-locks";
import { users } from "@/db/schema";
import { AppError } from "../../errors";

const ADMIN_CHANGE_LOCK = advisoryLocks.adminChanges;

/**
 * Role and active-flag changes take this transaction lock before any row lock.
 * Without it, two admins demoting each other lock their targets' rows first
 * and then each wait for the other's row in the guard below: PostgreSQL breaks
 * the deadlock by aborting one, which reaches the caller as an internal error
 * instead of the last-admin message.
 */
export async function lockAdminChanges(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${ADMIN_CHANGE_LOCK}::bigint)`);
}

/** There is always at least one active admin, or nobody could ever manage users again. */
export async function assertAnotherActiveAdmin(tx: Tx, exceptUserId: string): Promise<void> {
  // Lock every active admin row so two concurrent demotions serialize.
  await tx.select({ id: users.id }).from(users).where(and(eq(users.role, "admin"), eq(users.active, true))).for("update");
  const [row] = await tx
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.active, true), ne(users.id, exceptUserId)));
  if (!row || row.n === 0) throw new AppError("PRECONDITION_FAILED", "This is the last active admin: make someone else admin first");
}
