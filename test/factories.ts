import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import type { Role, UserActor } from "@/server/core/actor";
import { hashPassword } from "@/server/auth/password";
import type { UserRow } from "@/server/auth/users/user-dto";

export const DEFAULT_PASSWORD = "correct horse battery staple";

// argon2id costs ~50 ms a hash: hash the shared default password once per file.
let defaultHash: Promise<string> | undefined;
const hashFor = (password: string) =>
  password === DEFAULT_PASSWORD ? (defaultHash ??= hashPassword(DEFAULT_PASSWORD)) : hashPassword(password);

export type MadeUser = { row: UserRow; password: string; actor: UserActor };

export const uniqueEmail = (prefix = "user") => `${prefix}-${randomBytes(4).toString("hex")}@example.test`;

/** Inserts a user directly (no verb, no audit row): a fixture, not the behaviour under test. */
export async function makeUser(
  db: Db,
  opts: { role?: Role; email?: string; name?: string; password?: string; active?: boolean; mustChangePassword?: boolean } = {},
): Promise<MadeUser> {
  const password = opts.password ?? DEFAULT_PASSWORD;
  const [row] = await db
    .insert(users)
    .values({
      email: opts.email ?? uniqueEmail(opts.role ?? "viewer"),
      name: opts.name ?? "Test User",
      role: opts.role ?? "viewer",
      passwordHash: await hashFor(password),
      active: opts.active ?? true,
      mustChangePassword: opts.mustChangePassword ?? false,
    })
    .returning();
  if (!row) throw new Error("user insert returned no row");
  return { row, password, actor: { type: "user", id: row.id, email: row.email, name: row.name, role: row.role } };
}

export const requestId = () => `test-${randomUUID()}`;
