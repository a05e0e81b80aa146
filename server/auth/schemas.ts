import { z } from "zod";
import { roles } from "../core/actor";

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address"));
export const passwordSchema = z
  .string()
  .min(12, "Use at least 12 characters")
  .max(200, "Use at most 200 characters");
export const roleSchema = z.enum(roles);
export const userIdSchema = z.uuid("Not a valid user id");

export const loginInput = z.object({ email: emailSchema, password: z.string().min(1, "Enter your password").max(200) });

export const createUserInput = z.object({
  email: emailSchema,
  name: z.string().trim().min(1, "Enter a name").max(100),
  role: roleSchema,
  /** omitted: a one-time password is generated and returned once */
  password: passwordSchema.optional(),
});

export const setUserRoleInput = z.object({ userId: userIdSchema, role: roleSchema });
export const setUserActiveInput = z.object({ userId: userIdSchema, active: z.boolean() });
export const resetPasswordInput = z.object({ userId: userIdSchema });

export const changePasswordInput = z
  .object({ currentPassword: z.string().min(1, "Enter your current password"), newPassword: passwordSchema })
  .refine((v) => v.currentPassword !== v.newPassword, { path: ["newPassword"], message: "Choose a different password" });

export type CreateUserInput = z.input<typeof createUserInput>;
