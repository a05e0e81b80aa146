/**
 * server/core/verb.ts: the single mutation path (role → parse → transaction →
 * writes + audit + outbox), on a real database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { users } from "@/db/schema";
import { type Actor, actorHasRole, actorLabel, roles, systemActor } from "@/server/core/actor";
import { mutation, type VerbCtx } from "@/server/core/verb";
import { AppError } from "@/server/errors";
import { publicRowCounts, testDb, type TestDb } from "./db";
import { makeUser, requestId, uniqueEmail } from "./factories";
import { anonymous, rejectionOf } from "./trpc";

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t.close();
});

const ctx = (actor: Actor): VerbCtx => ({ actor, db: t.db, requestId: requestId() });
const schema = z.object({ name: z.string().min(3, "Too short"), n: z.number().int() });

async function appErrorOf(p: Promise<unknown>): Promise<AppError> {
  const err = await rejectionOf(p);
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`, { cause: err });
  return err;
}

describe("mutation()", () => {
  it("checks the role before parsing: anonymous gets UNAUTHORIZED and a viewer FORBIDDEN, even with bad input", async () => {
    const viewer = await makeUser(t.db, { role: "viewer" });
    let ran = false;
    const body = async () => {
      ran = true;
    };
    expect((await appErrorOf(mutation(ctx(anonymous), { role: "viewer", schema, input: 42 }, body))).code).toBe("UNAUTHORIZED");
    expect((await appErrorOf(mutation(ctx(viewer.actor), { role: "operator", schema, input: 42 }, body))).code).toBe("FORBIDDEN");
    expect(ran).toBe(false);
  });

  it("turns parse failures into BAD_REQUEST with field errors keyed by path (_form at the root)", async () => {
    const sys = ctx(systemActor("test"));
    const err = await appErrorOf(mutation(sys, { role: "admin", schema, input: { name: "x", n: 1.5 } }, async () => 1));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.fieldErrors?.name).toEqual(["Too short"]);
    expect(err.fieldErrors?.n?.length).toBe(1);
    expect(err.message).toMatch(/^Invalid input: /);
    const root = await appErrorOf(mutation(sys, { role: "admin", schema, input: "nope" }, async () => 1));
    expect(Object.keys(root.fieldErrors ?? {})).toEqual(["_form"]);
  });

  it("commits writes, audit row and outbox event together and returns the body's result", async () => {
    const actor = systemActor("test:commit");
    const c = ctx(actor);
    const email = uniqueEmail("verb");
    const before = await publicRowCounts(t.sql);
    const result = await mutation(c, { role: "admin", schema, input: { name: "abc", n: 7 } }, async ({ tx, input, audit, emit }) => {
      await tx.insert(users).values({ email, name: input.name });
      await audit({ action: "test.commit", targetType: "user", targetId: email, details: { n: input.n } });
      return { eventId: await emit({ type: "test.commit", topic: "test" }) };
    });
    expect(result.eventId).toBeGreaterThan(0);
    const after = await publicRowCounts(t.sql);
    expect(after).toEqual({ ...before, users: (before.users ?? 0) + 1, audit_log: (before.audit_log ?? 0) + 1, events: (before.events ?? 0) + 1 });
    const [audit] = await t.sql<{ actor_type: string; actor_id: string | null; actor_label: string; request_id: string }[]>`
      select actor_type, actor_id, actor_label, request_id from audit_log where action = 'test.commit'`;
    expect(audit).toEqual({ actor_type: "system", actor_id: null, actor_label: actorLabel(actor), request_id: c.requestId });
  });

  it("rolls everything back when the body throws after writing", async () => {
    const before = await publicRowCounts(t.sql);
    const err = await rejectionOf(
      mutation(ctx(systemActor("test")), { role: "admin", schema, input: { name: "abc", n: 1 } }, async ({ tx, audit, emit }) => {
        await tx.insert(users).values({ email: uniqueEmail("rollback"), name: "Rollback" });
        await audit({ action: "test.rollback", targetType: "user" });
        await emit({ type: "test.rollback", topic: "test" });
        throw new AppError("CONFLICT", "nope");
      }),
    );
    expect((err as AppError).code).toBe("CONFLICT");
    expect(await publicRowCounts(t.sql)).toEqual(before);
  });

  it("refuses (and rolls back) a body that wrote without an audit row", async () => {
    const email = uniqueEmail("unaudited");
    const before = await publicRowCounts(t.sql);
    const err = await rejectionOf(
      mutation(ctx(systemActor("test")), { role: "admin", schema, input: { name: "abc", n: 1 } }, async ({ tx }) => {
        await tx.insert(users).values({ email, name: "Unaudited" });
        return "done";
      }),
    );
    expect(String(err)).toMatch(/without an audit row/);
    expect(await publicRowCounts(t.sql)).toEqual(before);
  });

  it("accepts a body that declares it changed nothing", async () => {
    const before = await publicRowCounts(t.sql);
    const out = await mutation(ctx(systemActor("test")), { role: "admin", schema, input: { name: "abc", n: 1 } }, async ({ unchanged }) => {
      unchanged();
      return "same";
    });
    expect(out).toBe("same");
    expect(await publicRowCounts(t.sql)).toEqual(before);
  });
});

describe("roles", () => {
  const user = (role: (typeof roles)[number]): Actor => ({ type: "user", id: "u", email: "u@example.test", name: "U", role });

  it("rank viewer < operator < admin; system actors pass everything; anonymous nothing", () => {
    const table = roles.map((have) => roles.map((need) => actorHasRole(user(have), need)));
    expect(table).toEqual([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
    expect(roles.every((r) => actorHasRole(systemActor("x"), r))).toBe(true);
    expect(roles.some((r) => actorHasRole(anonymous, r))).toBe(false);
  });

  it("labels actors for the audit log", () => {
    expect(actorLabel(user("viewer"))).toBe("u@example.test");
    expect(actorLabel(systemActor("worker:prober"))).toBe("worker:prober");
    expect(actorLabel(anonymous)).toBe("anonymous");
  });
});
