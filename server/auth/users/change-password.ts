import { eq, sql } from "drizzle-orm";
import { users } from "@/db/schema";
import { AppError } from "../../errors";
import { type VerbCtx, mutation } from "../../core/verb";
import { hashPassword, verifyPassword } from "../password";
import { changePasswordInput } from "../schemas";
import { loadUserForUpdate } from "./load-user";

/** A signed-in user changes their own password (required after an admin-issued one-time password). */
export async function changeOwnPassword({ ctx, input }: { ctx: VerbCtx; input: unknown }) {
  return mutation(ctx, { role: "viewer", schema: changePasswordInput, input }, async ({ tx, input, actor, audit }) => {
    if (actor.type !== "user") throw new AppError("FORBIDDEN", "Only people have passwords");
    const me = await loadUserForUpdate(tx, actor.id);
    if (!me.passwordHash || !(await verifyPassword(me.passwordHash, input.currentPassword))) {
      throw new AppError("BAD_REQUEST", "The current password is wrong", { fieldErrors: { currentPassword: ["The current password is wrong"] } });
    }
    await tx
      .update(users)
      .set({ passwordHash: await hashPassword(input.newPassword), mustChangePassword: false, updatedAt: sql`now()` })
      .where(eq(users.id, me.id));
    await audit({ action: "user.password.change", targetType: "user", targetId: me.id });
    return { ok: true as const };
  });
}
