import type { users } from "@/db/schema";

export type UserRow = typeof users.$inferSelect;

/** What leaves the server about a user: never the hash. */
export function toUserDto(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    active: u.active,
    mustChangePassword: u.mustChangePassword,
    hasPassword: u.passwordHash !== null,
    createdAt: u.createdAt,
    lastLoginAt: u.lastLoginAt,
  };
}
export type UserDto = ReturnType<typeof toUserDto>;
