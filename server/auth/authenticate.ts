import { and, count, eq, gt, sql } from "drizzle-orm";
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

async function recentFailures(db: Db, where: ReturnType<typeof eq>): Promise<number> {
  const since = new Date(Date.now() - LOGIN_WINDOW_MS);
  const [row] = await db
    .select({ n: count() })
    .from(loginAttempts)
    .where(and(where, eq(loginAttempts.success, false), gt(loginAttempts.at, since)));
  return row?.n ?? 0;
}

/**
 * Checks an email and password. Failures are counted in the database (so the
 * limit holds across web replicas): after 5 failures for one email or 30 from
 * one address within 15 minutes, further attempts are refused until the window
 * moves on. The message never says whether the email exists.
 */
export async function authenticate(db: Db, raw: unknown, ip: string): Promise<UserActor> {
  const input = parseInput(loginInput, raw);
  if ((await recentFailures(db, eq(loginAttempts.email, input.email))) >= MAX_FAILURES_PER_EMAIL ||
      (await recentFailures(db, eq(loginAttempts.ip, ip))) >= MAX_FAILURES_PER_IP) {
    throw new AppError("TOO_MANY_REQUESTS", "Too many failed sign-ins. Wait 15 minutes and try again.");
  }
  const [user] = await db.select().from(users).where(eq(sql`lower(${users.email})`, input.email));
  const ok = user?.passwordHash
    ? await verifyPassword(user.passwordHash, input.password)
    : (await verifyPassword(await dummyPasswordHash(), input.password), false);
  const success = Boolean(ok && user?.active);
  await db.transaction(async (tx) => {
    await tx.insert(loginAttempts).values({ email: input.email, ip, success });
    if (success && user) {
      await tx.update(users).set({ lastLoginAt: sql`now()` }).where(eq(users.id, user.id));
      await tx.insert(auditLog).values({
        actorType: "user", actorId: user.id, actorLabel: user.email, action: "auth.login", targetType: "user", targetId: user.id, details: { ip },
      });
    }
  });
  if (!success || !user) throw new AppError("UNAUTHORIZED", "Wrong email or password, or the account is deactivated");
  return { type: "user", id: user.id, email: user.email, name: user.name, role: user.role };
}
