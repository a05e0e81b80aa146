import { and, eq, gt, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditLog, loginAttempts, users } from "@/db/schema";
import { AppError } from "../errors";
import { parseInput } from "../core/verb";
import { dummyPasswordHash, verifyPassword } from "./password";
import { loginInput } from "./schemas";
import type { UserActor } from "../core/actor";

export const LOGIN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 30;

/**
 * Checks an email and password. Failures are counted in the database (so the
 * limit holds across web replicas): after 5 failures for one email or 30 from
 * one address within 15 minutes, further attempts are refused until the window
 * moves on. The message never says whether the email exists.
 *
 * Each attempt is recorded as a failure *before* the password is checked and
 * flipped to success afterwards, so parallel guesses count against each other
 * instead of all passing the check at once.
 */
export async function authenticate(db: Db, raw: unknown, ip: string): Promise<UserActor> {
  const input = parseInput(loginInput, raw);
  const [attempt] = await db.insert(loginAttempts).values({ email: input.email, ip, success: false }).returning({ id: loginAttempts.id });
  const since = new Date(Date.now() - LOGIN_WINDOW_MS);
  const [counts] = await db
    .select({
      byEmail: sql<number>`count(*) filter (where ${loginAttempts.email} = ${input.email})::int`,
      byIp: sql<number>`count(*) filter (where ${loginAttempts.ip} = ${ip})::int`,
    })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.success, false), gt(loginAttempts.at, since), or(eq(loginAttempts.email, input.email), eq(loginAttempts.ip, ip))));
  // The counts include this attempt, hence "more than".
  if ((counts?.byEmail ?? 0) > MAX_FAILURES_PER_EMAIL || (counts?.byIp ?? 0) > MAX_FAILURES_PER_IP) {
    throw new AppError("TOO_MANY_REQUESTS", "Too many failed sign-ins. Wait 15 minutes and try again.");
  }
  const [user] = await db.select().from(users).where(eq(sql`lower(${users.email})`, input.email));
  const ok = user?.passwordHash
    ? await verifyPassword(user.passwordHash, input.password)
    : (await verifyPassword(await dummyPasswordHash(), input.password), false);
  if (!ok || !user?.active) throw new AppError("UNAUTHORIZED", "Wrong email or password, or the account is deactivated");
  await db.transaction(async (tx) => {
    await tx.update(loginAttempts).set({ success: true }).where(eq(loginAttempts.id, attempt!.id));
    await tx.update(users).set({ lastLoginAt: sql`now()` }).where(eq(users.id, user.id));
    await tx.insert(auditLog).values({
      actorType: "user", actorId: user.id, actorLabel: user.email, action: "auth.login", targetType: "user", targetId: user.id, details: { ip },
    });
  });
  return { type: "user", id: user.id, email: user.email, name: user.name, role: user.role };
}
