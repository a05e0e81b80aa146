import { and, count, eq, ne } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { users } from "@/db/schema";
import { AppError } from "../../errors";

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
