import { eq, sql } from "drizzle-orm";
import { users } from "@/db/schema";
import { type VerbCtx, mutation } from "../../core/verb";
import { generatePassword, hashPassword } from "../password";
import { resetPasswordInput } from "../schemas";
import { loadUserForUpdate } from "./load-user";

/** Admin issues a new one-time password; the user must change it at next sign-in. */
export async function resetUserPassword({ ctx, input }: { ctx: VerbCtx; input: unknown }) {
  return mutation(ctx, { role: "admin", schema: resetPasswordInput, input }, async ({ tx, input, audit }) => {
    const before = await loadUserForUpdate(tx, input.userId);
    const oneTimePassword = generatePassword();
    await tx
      .update(users)
      .set({ passwordHash: await hashPassword(oneTimePassword), mustChangePassword: true, updatedAt: sql`now()` })
      .where(eq(users.id, before.id));
    await audit({ action: "user.password.reset", targetType: "user", targetId: before.id, details: { email: before.email } });
    return { oneTimePassword };
  });
}
