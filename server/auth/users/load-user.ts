import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { users } from "@/db/schema";
import { notFound } from "../../errors";

/** Locks the row: concurrent role changes must not both pass the last-admin check. */
export async function loadUserForUpdate(tx: DbOrTx, userId: string) {
  const [row] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
  if (!row) throw notFound("User", userId);
  return row;
}
