import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import type { Actor } from "../core/actor";

export type SessionState = { actor: Actor; mustChangePassword: boolean };

/**
 * The session token only carries the user id. Role and active flag are read
 * fresh on every request, so a demotion or deactivation takes effect at once.
 */
export async function resolveSession(db: Db, userId: string | null | undefined): Promise<SessionState> {
  if (!userId) return { actor: { type: "anonymous" }, mustChangePassword: false };
  const [u] = await db.select().from(users).where(eq(users.id, userId));
  if (!u || !u.active) return { actor: { type: "anonymous" }, mustChangePassword: false };
  return { actor: { type: "user", id: u.id, email: u.email, name: u.name, role: u.role }, mustChangePassword: u.mustChangePassword };
}

export async function resolveActor(db: Db, userId: string | null | undefined): Promise<Actor> {
  return (await resolveSession(db, userId)).actor;
}
