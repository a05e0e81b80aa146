/**
 * User management verbs through the tRPC caller, against a fresh database per
 * test (the last-admin rules depend on exactly which admins exist).
 */
import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditLog, events, users } from "@/db/schema";
import { authenticate } from "@/server/auth/authenticate";
import { resolveActor } from "@/server/auth/resolve-actor";
import { changeOwnPassword } from "@/server/auth/users/change-password";
import { setUserActive } from "@/server/auth/users/set-user-active";
import { setUserRole } from "@/server/auth/users/set-user-role";
import { systemActor } from "@/server/core/actor";
import { AppError } from "@/server/errors";
import { testDb, type TestDb } from "./db";
import { makeUser, type MadeUser, requestId, uniqueEmail } from "./factories";
import { callerFor, ctxFor, createCaller, rejectionOf, trpcErrorOf } from "./trpc";

let t: TestDb;
let admin: MadeUser;

beforeEach(async () => {
  t = await testDb();
  admin = await makeUser(t.db, { role: "admin", email: uniqueEmail("admin") });
});
afterEach(async () => {
  await t.close();
});

const asAdmin = () => callerFor(t.db, admin.actor);
const login = (email: string, password: string) => authenticate(t.db, { email, password }, "10.0.0.1");

async function userRow(id: string) {
  const [row] = await t.db.select().from(users).where(eq(users.id, id));
  if (!row) throw new Error(`user ${id} missing`);
  return row;
}

async function auditFor(targetId: string, action: string) {
  return t.db.select().from(auditLog).where(and(eq(auditLog.targetId, targetId), eq(auditLog.action, action)));
}

async function activeAdmins(): Promise<string[]> {
  const rows = await t.db.select({ id: users.id }).from(users).where(and(eq(users.role, "admin"), eq(users.active, true)));
  return rows.map((r) => r.id).sort();
}

describe("users.create", () => {
  it("returns a one-time password once, stores an argon2id hash, and writes user, audit and event in one transaction", async () => {
    const ctx = ctxFor(t.db, admin.actor);
    const email = uniqueEmail("new");
    const res = await createCaller(ctx).users.create({ email: `  ${email.toUpperCase()} `, name: " New Person ", role: "operator" });

    expect(res.oneTimePassword).toMatch(/^[a-zA-Z2-9]{20}$/);
    expect(res.user).toMatchObject({ email, name: "New Person", role: "operator", active: true, mustChangePassword: true, hasPassword: true });
    expect(res.user).not.toHaveProperty("passwordHash");

    const row = await userRow(res.user.id);
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.passwordHash).not.toContain(res.oneTimePassword ?? "-");

    const [audit] = await auditFor(res.user.id, "user.create");
    expect(audit).toMatchObject({
      actorType: "user",
      actorId: admin.row.id,
      actorLabel: admin.row.email,
      targetType: "user",
      requestId: ctx.requestId,
      details: { email, role: "operator" },
    });
    const evs = await t.db.select().from(events).where(eq(events.type, "user.created"));
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({ topic: "user", payload: { id: res.user.id } });

    // Same transaction: all three rows carry the same creating transaction id.
    const xmins = await t.sql<{ x: string }[]>`
      select xmin::text as x from users where id = ${res.user.id}
      union all select xmin::text from audit_log where id = ${audit?.id ?? -1}
      union all select xmin::text from events where id = ${evs[0]?.id ?? -1}`;
    expect(xmins).toHaveLength(3);
    expect(new Set(xmins.map((r) => r.x)).size).toBe(1);

    // The one-time password works (checked after the xmin comparison: a sign-in updates last_login_at);
    // nothing that reads users later returns it or the hash again.
    const actor = await login(email, res.oneTimePassword ?? "");
    expect(actor.id).toBe(res.user.id);
    const listed = await asAdmin().users.list();
    const listedJson = JSON.stringify(listed);
    expect(listedJson).not.toContain(res.oneTimePassword ?? "-");
    expect(listedJson).not.toContain("$argon2id$");
    expect(listed.find((u) => u.id === res.user.id)).not.toHaveProperty("oneTimePassword");
  });

  it("with a chosen password returns no one-time password and does not force a change", async () => {
    const email = uniqueEmail();
    const res = await asAdmin().users.create({ email, name: "Chosen", role: "viewer", password: "a long chosen password" });
    expect(res.oneTimePassword).toBeUndefined();
    expect(res.user.mustChangePassword).toBe(false);
    expect((await login(email, "a long chosen password")).role).toBe("viewer");
  });
});

describe("users.setRole", () => {
  it("changes the role, audits from/to, emits user.updated, and takes effect on the next request", async () => {
    const u = await makeUser(t.db, { role: "viewer" });
    const dto = await asAdmin().users.setRole({ userId: u.row.id, role: "operator" });
    expect(dto.role).toBe("operator");
    expect((await userRow(u.row.id)).role).toBe("operator");
    const [audit] = await auditFor(u.row.id, "user.role.change");
    expect(audit?.details).toEqual({ email: u.row.email, from: "viewer", to: "operator" });
    const evs = await t.db.select().from(events).where(eq(events.type, "user.updated"));
    expect(evs.map((e) => e.payload)).toEqual([{ id: u.row.id }]);
    expect(await resolveActor(t.db, u.row.id)).toMatchObject({ type: "user", role: "operator" });
  });

  it("setting the role a user already has succeeds without writing anything", async () => {
    const u = await makeUser(t.db, { role: "operator" });
    const dto = await asAdmin().users.setRole({ userId: u.row.id, role: "operator" });
    expect(dto.role).toBe("operator");
    expect(await auditFor(u.row.id, "user.role.change")).toHaveLength(0);
  });

  it("refuses to change the caller's own role", async () => {
    const err = await trpcErrorOf(asAdmin().users.setRole({ userId: admin.row.id, role: "viewer" }));
    expect(err.code).toBe("PRECONDITION_FAILED");
    expect(err.message).toMatch(/own role/);
    expect((await userRow(admin.row.id)).role).toBe("admin");
  });

  it("demoting another admin works while one active admin remains", async () => {
    const other = await makeUser(t.db, { role: "admin" });
    await asAdmin().users.setRole({ userId: other.row.id, role: "viewer" });
    expect(await activeAdmins()).toEqual([admin.row.id]);
  });
});

describe("last-admin guard", () => {
  const system = () => ({ actor: systemActor("test:guard"), db: t.db, requestId: requestId() });

  it("refuses to demote the last active admin", async () => {
    const err = await rejectionOf(setUserRole({ ctx: system(), input: { userId: admin.row.id, role: "operator" } }));
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("PRECONDITION_FAILED");
    expect((err as AppError).message).toMatch(/last active admin/);
    expect(await activeAdmins()).toEqual([admin.row.id]);
  });

  it("refuses to deactivate the last active admin", async () => {
    const err = await rejectionOf(setUserActive({ ctx: system(), input: { userId: admin.row.id, active: false } }));
    expect((err as AppError).code).toBe("PRECONDITION_FAILED");
    expect(await activeAdmins()).toEqual([admin.row.id]);
  });

  it("does not count an inactive admin as another admin", async () => {
    await makeUser(t.db, { role: "admin", active: false });
    const err = await rejectionOf(setUserRole({ ctx: system(), input: { userId: admin.row.id, role: "viewer" } }));
    expect((err as AppError).code).toBe("PRECONDITION_FAILED");
  });

  it("two admins demoting each other at the same moment: one wins, the other gets PRECONDITION_FAILED", async () => {
    const other = await makeUser(t.db, { role: "admin" });
    const waiters = async () => {
      const [row] = await t.sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
      return row?.n ?? 0;
    };
    const until = async (n: number) => {
      const deadline = Date.now() + 10_000;
      while ((await waiters()) < n) {
        if (Date.now() > deadline) throw new Error(`fewer than ${n} transactions ever waited for a lock`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    // Hold the first admin's row so both demotions are in flight before either can finish,
    // in the order that interleaves their row locks: other→admin first, then admin→other.
    const blocker = await t.sql.reserve();
    let outcomes: PromiseSettledResult<unknown>[];
    try {
      await blocker`begin`;
      await blocker`select id from users where id = ${admin.row.id} for update`;
      const demoteAdmin = callerFor(t.db, other.actor).users.setRole({ userId: admin.row.id, role: "viewer" });
      demoteAdmin.catch(() => undefined);
      await until(1);
      const demoteOther = callerFor(t.db, admin.actor).users.setRole({ userId: other.row.id, role: "viewer" });
      demoteOther.catch(() => undefined);
      await until(2);
      await blocker`rollback`;
      outcomes = await Promise.allSettled([demoteAdmin, demoteOther]);
    } finally {
      blocker.release();
    }
    const codes = outcomes.map((o) => (o.status === "fulfilled" ? "OK" : o.reason instanceof TRPCError ? o.reason.code : String(o.reason)));
    expect(codes.sort()).toEqual(["OK", "PRECONDITION_FAILED"]);
    expect(await activeAdmins()).toHaveLength(1);
  });
});

describe("users.setActive", () => {
  it("a deactivated user cannot sign in and their session resolves to anonymous; reactivation restores both", async () => {
    const u = await makeUser(t.db, { role: "operator" });
    expect((await login(u.row.email, u.password)).id).toBe(u.row.id);
    expect(await resolveActor(t.db, u.row.id)).toMatchObject({ type: "user", id: u.row.id });

    const dto = await asAdmin().users.setActive({ userId: u.row.id, active: false });
    expect(dto.active).toBe(false);
    expect(await auditFor(u.row.id, "user.deactivate")).toHaveLength(1);

    const err = await rejectionOf(login(u.row.email, u.password));
    expect((err as AppError).code).toBe("UNAUTHORIZED");
    expect(await resolveActor(t.db, u.row.id)).toEqual({ type: "anonymous" });

    await asAdmin().users.setActive({ userId: u.row.id, active: true });
    expect(await auditFor(u.row.id, "user.reactivate")).toHaveLength(1);
    expect(await resolveActor(t.db, u.row.id)).toMatchObject({ type: "user", role: "operator" });
    expect((await login(u.row.email, u.password)).id).toBe(u.row.id);
  });

  it("refuses to deactivate the caller", async () => {
    const err = await trpcErrorOf(asAdmin().users.setActive({ userId: admin.row.id, active: false }));
    expect(err.code).toBe("PRECONDITION_FAILED");
    expect(err.message).toMatch(/yourself/);
    expect((await userRow(admin.row.id)).active).toBe(true);
  });

  it("deactivating an already inactive user succeeds without writing anything", async () => {
    const u = await makeUser(t.db, { active: false });
    const dto = await asAdmin().users.setActive({ userId: u.row.id, active: false });
    expect(dto.active).toBe(false);
    expect(await auditFor(u.row.id, "user.deactivate")).toHaveLength(0);
  });

  it("resolveActor is anonymous for no id and for an unknown id", async () => {
    expect(await resolveActor(t.db, null)).toEqual({ type: "anonymous" });
    expect(await resolveActor(t.db, "00000000-0000-4000-8000-000000000000")).toEqual({ type: "anonymous" });
  });
});

describe("passwords", () => {
  it("resetPassword issues a new one-time password and retires the old one", async () => {
    const u = await makeUser(t.db);
    const { oneTimePassword } = await asAdmin().users.resetPassword({ userId: u.row.id });
    expect(oneTimePassword).toMatch(/^[a-zA-Z2-9]{20}$/);
    expect((await userRow(u.row.id)).mustChangePassword).toBe(true);
    expect((await login(u.row.email, oneTimePassword)).id).toBe(u.row.id);
    expect(((await rejectionOf(login(u.row.email, u.password))) as AppError).code).toBe("UNAUTHORIZED");
    expect(await auditFor(u.row.id, "user.password.reset")).toHaveLength(1);
  });

  it("changeOwnPassword checks the current password, clears mustChangePassword and audits", async () => {
    const u = await makeUser(t.db, { role: "viewer", mustChangePassword: true });
    const me = callerFor(t.db, u.actor);

    const wrong = await trpcErrorOf(me.users.changeOwnPassword({ currentPassword: "not my password", newPassword: "a brand new password" }));
    expect(wrong.code).toBe("BAD_REQUEST");
    expect((wrong.cause as AppError).fieldErrors).toEqual({ currentPassword: ["The current password is wrong"] });

    const same = await trpcErrorOf(me.users.changeOwnPassword({ currentPassword: u.password, newPassword: u.password }));
    expect(same.code).toBe("BAD_REQUEST");

    expect(await me.users.changeOwnPassword({ currentPassword: u.password, newPassword: "a brand new password" })).toEqual({ ok: true });
    const row = await userRow(u.row.id);
    expect(row.mustChangePassword).toBe(false);
    expect((await login(u.row.email, "a brand new password")).id).toBe(u.row.id);
    expect(((await rejectionOf(login(u.row.email, u.password))) as AppError).code).toBe("UNAUTHORIZED");
    const [audit] = await auditFor(u.row.id, "user.password.change");
    expect(audit).toMatchObject({ actorId: u.row.id, actorLabel: u.row.email });
  });

  it("changeOwnPassword is refused to system actors (they have no password)", async () => {
    const err = await rejectionOf(
      changeOwnPassword({ ctx: { actor: systemActor("test"), db: t.db, requestId: null }, input: { currentPassword: "x", newPassword: "a brand new password" } }),
    );
    expect((err as AppError).code).toBe("FORBIDDEN");
  });
});

describe("one-time passwords", () => {
  it("someone who must change their password can change it, but make no other change until then", async () => {
    const t2 = await testDb();
    try {
      const other = await makeUser(t2.db, { role: "viewer" });
      const me = await makeUser(t2.db, { role: "admin", mustChangePassword: true });
      const caller = createCaller(ctxFor(t2.db, me.actor, { mustChangePassword: true }));
      const err = await trpcErrorOf(caller.users.setRole({ userId: other.row.id, role: "operator" }));
      expect(err.code).toBe("PRECONDITION_FAILED");
      expect((await caller.users.list()).length).toBe(2);
      await expect(caller.users.changeOwnPassword({ currentPassword: me.password, newPassword: "a brand new password" })).resolves.toEqual({ ok: true });
    } finally {
      await t2.close();
    }
  });
});
