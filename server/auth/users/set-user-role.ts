import { eq, sql } from "drizzle-orm";
import { users } from "@/db/schema";
import { AppError } from "../../errors";
import { type VerbCtx, mutation } from "../../core/verb";
import { setUserRoleInput } from "../schemas";
import { assertAnotherActiveAdmin, lockAdminChanges } from "./admin-guard";
import { loadUserForUpdate } from "./load-user";
import { toUserDto } from "./user-dto";

export async function setUserRole({ ctx, input }: { ctx: VerbCtx; input: unknown }) {
  return mutation(ctx, { role: "admin", schema: setUserRoleInput, input }, async ({ tx, input, actor, audit, emit, unchanged }) => {
    if (actor.type === "user" && actor.id === input.userId) throw new AppError("PRECONDITION_FAILED", "You cannot change your own role");
    await lockAdminChanges(tx);
    const before = await loadUserForUpdate(tx, input.userId);
    if (before.role === input.role) {
      unchanged();
      return toUserDto(before);
    }
    if (before.role === "admin" && before.active) await assertAnotherActiveAdmin(tx, before.id);
    const [row] = await tx.update(users).set({ role: input.role, updatedAt: sql`now()` }).where(eq(users.id, before.id)).returning();
    await audit({ action: "user.role.change", targetType: "user", targetId: before.id, details: { email: before.email, from: before.role, to: input.role } });
    await emit({ type: "user.updated", topic: "user", payload: { id: before.id } });
    return toUserDto(row!);
  });
}
