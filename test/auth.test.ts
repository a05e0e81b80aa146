import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, loginAttempts, users } from "@/db/schema";
import { authenticate, LOGIN_WINDOW_MS, MAX_FAILURES_PER_EMAIL, MAX_FAILURES_PER_IP } from "@/server/auth/authenticate";
import { AppError } from "@/server/errors";
import { testDb, type TestDb } from "./db";
import { makeUser, uniqueEmail } from "./factories";
import { rejectionOf } from "./trpc";

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t.close();
});

let ipSeq = 0;
/** A fresh client address per test, so the per-IP limit of one test never leaks into another. */
const freshIp = () => `192.0.2.${++ipSeq}`;

async function codeOf(p: Promise<unknown>): Promise<string> {
  const err = await rejectionOf(p);
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`, { cause: err });
  return err.code;
}

const loginAudits = (userId: string) =>
  t.db.select().from(auditLog).where(and(eq(auditLog.action, "auth.login"), eq(auditLog.targetId, userId)));

describe("authenticate", () => {
  it("signs in with the right password, records the attempt, stamps last login and writes an auth.login audit row", async () => {
    const u = await makeUser(t.db, { role: "operator" });
    const ip = freshIp();
    const actor = await authenticate(t.db, { email: `  ${u.row.email.toUpperCase()}  `, password: u.password }, ip);
    expect(actor).toEqual({ type: "user", id: u.row.id, email: u.row.email, name: u.row.name, role: "operator" });

    const attempts = await t.db.select().from(loginAttempts).where(eq(loginAttempts.ip, ip));
    expect(attempts.map((a) => ({ email: a.email, success: a.success }))).toEqual([{ email: u.row.email, success: true }]);
    const [row] = await t.db.select().from(users).where(eq(users.id, u.row.id));
    expect(row?.lastLoginAt).toBeInstanceOf(Date);

    const audits = await loginAudits(u.row.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorType: "user", actorId: u.row.id, actorLabel: u.row.email, targetType: "user", details: { ip } });
  });

  it("refuses a wrong password with UNAUTHORIZED, records a failure and writes no audit row", async () => {
    const u = await makeUser(t.db);
    const ip = freshIp();
    expect(await codeOf(authenticate(t.db, { email: u.row.email, password: "wrong password" }, ip))).toBe("UNAUTHORIZED");
    const attempts = await t.db.select().from(loginAttempts).where(eq(loginAttempts.ip, ip));
    expect(attempts.map((a) => a.success)).toEqual([false]);
    expect(await loginAudits(u.row.id)).toHaveLength(0);
  });

  it("refuses an unknown email with the same UNAUTHORIZED message as a wrong password", async () => {
    const u = await makeUser(t.db);
    const unknown = await rejectionOf(authenticate(t.db, { email: uniqueEmail("nobody"), password: "whatever it is" }, freshIp()));
    const wrong = await rejectionOf(authenticate(t.db, { email: u.row.email, password: "whatever it is" }, freshIp()));
    expect(unknown).toBeInstanceOf(AppError);
    expect((unknown as AppError).code).toBe("UNAUTHORIZED");
    expect((unknown as AppError).message).toBe((wrong as AppError).message);
  });

  it("refuses malformed input with BAD_REQUEST", async () => {
    expect(await codeOf(authenticate(t.db, { email: "not-an-email", password: "" }, freshIp()))).toBe("BAD_REQUEST");
  });

  it(`after ${MAX_FAILURES_PER_EMAIL} failures for an email, the next attempt is TOO_MANY_REQUESTS even with the right password`, async () => {
    const u = await makeUser(t.db);
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i++) {
      // Different addresses and letter case: the limit follows the normalized email.
      const email = i % 2 ? u.row.email.toUpperCase() : u.row.email;
      expect(await codeOf(authenticate(t.db, { email, password: `wrong ${i}` }, freshIp()))).toBe("UNAUTHORIZED");
    }
    expect(await codeOf(authenticate(t.db, { email: u.row.email, password: u.password }, freshIp()))).toBe("TOO_MANY_REQUESTS");
    expect(await loginAudits(u.row.id)).toHaveLength(0);

    // Another account is not affected.
    const other = await makeUser(t.db);
    expect((await authenticate(t.db, { email: other.row.email, password: other.password }, freshIp())).id).toBe(other.row.id);
  });

  it(`${MAX_FAILURES_PER_EMAIL - 1} failures still allow a sign-in`, async () => {
    const u = await makeUser(t.db);
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL - 1; i++) {
      await rejectionOf(authenticate(t.db, { email: u.row.email, password: `wrong ${i}` }, freshIp()));
    }
    expect((await authenticate(t.db, { email: u.row.email, password: u.password }, freshIp())).id).toBe(u.row.id);
  });

  it("failures older than the window no longer count", async () => {
    const u = await makeUser(t.db);
    const old = new Date(Date.now() - LOGIN_WINDOW_MS - 60_000);
    await t.db.insert(loginAttempts).values(
      Array.from({ length: MAX_FAILURES_PER_EMAIL }, () => ({ email: u.row.email, ip: freshIp(), success: false, at: old })),
    );
    expect((await authenticate(t.db, { email: u.row.email, password: u.password }, freshIp())).id).toBe(u.row.id);
  });

  it(`after ${MAX_FAILURES_PER_IP} failures from one address, that address is refused for every email`, async () => {
    const u = await makeUser(t.db);
    const ip = freshIp();
    // Seed the failures directly: 30 argon2 verifications would only slow the suite down.
    await t.db.insert(loginAttempts).values(
      Array.from({ length: MAX_FAILURES_PER_IP }, (_, i) => ({ email: `victim-${i}@example.test`, ip, success: false })),
    );
    expect(await codeOf(authenticate(t.db, { email: u.row.email, password: u.password }, ip))).toBe("TOO_MANY_REQUESTS");
    expect((await authenticate(t.db, { email: u.row.email, password: u.password }, freshIp())).id).toBe(u.row.id);
  });

  it("a deactivated account cannot sign in even with the right password", async () => {
    const u = await makeUser(t.db, { active: false });
    expect(await codeOf(authenticate(t.db, { email: u.row.email, password: u.password }, freshIp()))).toBe("UNAUTHORIZED");
    expect(await loginAudits(u.row.id)).toHaveLength(0);
  });

  it("counts parallel guesses against each other: at most the limit get a password check", async () => {
    const u = await makeUser(t.db);
    const ip = freshIp();
    const codes = await Promise.all(
      Array.from({ length: 12 }, () => codeOf(authenticate(t.db, { email: u.row.email, password: "a parallel guess" }, ip))),
    );
    expect(codes.filter((c) => c === "UNAUTHORIZED").length).toBeLessThanOrEqual(MAX_FAILURES_PER_EMAIL);
    expect(codes.filter((c) => c === "TOO_MANY_REQUESTS").length).toBeGreaterThanOrEqual(12 - MAX_FAILURES_PER_EMAIL);
  });
});
