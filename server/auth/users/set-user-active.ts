import { eq, sql } from "drizzle-orm";
import { users } from "@/db/schema";
import { AppError } from "../../errors";
import { type VerbCtx, mutation } from "../../core/verb";
import { setUserActiveInput } from "../schemas";
import { assertAnotherActiveAdmin, lockAdminChanges } from "./admin-guard";
import { loadUserForUpdate } from "./load-user";
import { toUserDto } from "./user-dto";

/** Deactivated users keep their history (audit rows name them) but cannot sign in; open sessions stop working at once. */
export async function setUserActive({ ctx, input }: { ctx: VerbCtx; input: unknown }) {
  return mutation(ctx, { role: "admin", schema: setUserActiveInput, input }, async ({ tx, input, actor, audit, emit, unchanged }) => {
    if (actor.type === "user" && actor.id === input.userId && !input.active) throw new AppError("PRECONDITION_FAILED", "You cannot deactivate yourself");
    await lockAdminChanges(tx);
    const before = await loadUserForUpdate(tx, input.userId);
    if (before.active === input.active) {
      unchanged();
      return toUserDto(before);
    }
    if (!input.active && before.role === "admin") await assertAnotherActiveAdmin(tx, before.id);
    const [row] = await tx.update(users).set({ active: input.active, updatedAt: sql`now()` }).where(eq(users.id, before.id)).returning();
    await audit({ action: input.active ? "user.reactivate" : "user.deactivate", targetType: "user", targetId: before.id, details: { email: before.email } });
    await emit({ type: "user.updated", topic: "user", payload: { id: before.id } });
    return toUserDto(row!);
  });
}
