import { count } from "drizzle-orm";
import type { Db } from "../client";
import { users } from "../schema";
import { createUser } from "@/server/auth/users/create-user";
import { systemActor } from "@/server/core/actor";

export type SeededAdmin = { email: string; password: string } | null;

/**
 * First start only: create the first admin. The password comes from
 * BULWARK_ADMIN_PASSWORD or is generated, and is returned so the supervisor can
 * print it once. Later starts create nothing.
 */
export async function seedAdmin(db: Db, opts: { email?: string; password?: string }): Promise<SeededAdmin> {
  const [row] = await db.select({ n: count() }).from(users);
  if ((row?.n ?? 0) > 0) return null;
  const email = opts.email ?? "admin@bulwark.local";
  const result = await createUser({
    ctx: { actor: systemActor("supervisor:seed"), db, requestId: null },
    input: { email, name: "Administrator", role: "admin", password: opts.password },
  });
  return { email, password: opts.password ?? result.oneTimePassword ?? "" };
}
