import { users } from "@/db/schema";
import { AppError } from "../../errors";
import { type VerbCtx, mutation } from "../../core/verb";
import { generatePassword, hashPassword } from "../password";
import { createUserInput } from "../schemas";
import { toUserDto } from "./user-dto";

/** Admin creates (invites) a user. Without a password, a one-time password is generated and returned once. */
export async function createUser({ ctx, input }: { ctx: VerbCtx; input: unknown }) {
  return mutation(ctx, { role: "admin", schema: createUserInput, input }, async ({ tx, input, audit, emit }) => {
    const oneTimePassword = input.password ? undefined : generatePassword();
    const passwordHash = await hashPassword(input.password ?? oneTimePassword!);
    const [row] = await tx
      .insert(users)
      .values({ email: input.email, name: input.name, role: input.role, passwordHash, mustChangePassword: !input.password })
      .onConflictDoNothing()
      .returning();
    if (!row) {
      throw new AppError("CONFLICT", `A user with email ${input.email} already exists`, { fieldErrors: { email: ["This email is already in use"] } });
    }
    await audit({ action: "user.create", targetType: "user", targetId: row.id, details: { email: row.email, role: row.role } });
    await emit({ type: "user.created", topic: "user", payload: { id: row.id } });
    return { user: toUserDto(row), oneTimePassword };
  });
}
