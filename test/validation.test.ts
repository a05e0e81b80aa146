/**
 * A refused mutation writes nothing: row counts of every public table are the
 * same before and after.
 */
import { TRPCClientError } from "@trpc/client";
import { ZodError } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "@/server/auth/users/create-user";
import { AppError } from "@/server/errors";
import type { AppRouter } from "@/server/routers/_app";
import { publicRowCounts, testDb, type TestDb } from "./db";
import { makeUser, type MadeUser, requestId, uniqueEmail } from "./factories";
import { callerFor, ctxFor, rejectionOf, trpcErrorOf, wireClient } from "./trpc";

let t: TestDb;
let admin: MadeUser;

beforeAll(async () => {
  t = await testDb();
  admin = await makeUser(t.db, { role: "admin" });
});
afterAll(async () => {
  await t.close();
});

const badInput = { email: "not-an-email", name: "   ", role: "superuser", password: "short" };

async function expectNoWrites(run: () => Promise<void>): Promise<void> {
  const before = await publicRowCounts(t.sql);
  // The inventory comes from information_schema: make sure it saw the tables this file cares about.
  expect(Object.keys(before)).toEqual(expect.arrayContaining(["users", "audit_log", "events", "login_attempts", "worker_heartbeats"]));
  await run();
  expect(await publicRowCounts(t.sql)).toEqual(before);
}

async function wireErrorOf(p: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  const err = await rejectionOf(p);
  if (!(err instanceof TRPCClientError)) throw new Error(`expected a TRPCClientError, got ${String(err)}`, { cause: err });
  return err as TRPCClientError<AppRouter>;
}

describe("failed validation writes nothing", () => {
  it("users.create with bad input via the caller: BAD_REQUEST, nothing written", async () => {
    await expectNoWrites(async () => {
      const err = await trpcErrorOf(callerFor(t.db, admin.actor).users.create(badInput as never));
      expect(err.code).toBe("BAD_REQUEST");
      expect(err.cause).toBeInstanceOf(ZodError);
    });
  });

  it("users.create with bad input over the wire: fieldErrors reach the error shape", async () => {
    await expectNoWrites(async () => {
      const client = wireClient(() => ctxFor(t.db, admin.actor));
      const err = await wireErrorOf(client.users.create.mutate(badInput as never));
      expect(err.data?.code).toBe("BAD_REQUEST");
      expect(err.data?.httpStatus).toBe(400);
      const fieldErrors = err.shape?.data.fieldErrors ?? {};
      expect(Object.keys(fieldErrors).sort()).toEqual(["email", "name", "password", "role"]);
      expect(fieldErrors.email).toEqual(["Enter a valid email address"]);
      expect(fieldErrors.password).toEqual(["Use at least 12 characters"]);
    });
  });

  it("the verb parses again for callers that bypass the router: AppError BAD_REQUEST with fieldErrors", async () => {
    await expectNoWrites(async () => {
      const err = await rejectionOf(createUser({ ctx: { actor: admin.actor, db: t.db, requestId: requestId() }, input: badInput }));
      expect(err).toBeInstanceOf(AppError);
      const appErr = err as AppError;
      expect(appErr.code).toBe("BAD_REQUEST");
      expect(appErr.fieldErrors?.email).toEqual(["Enter a valid email address"]);
      expect(appErr.fieldErrors?.role?.length).toBeGreaterThan(0);
    });
  });

  it("a refused role writes nothing either", async () => {
    const viewer = await makeUser(t.db, { role: "viewer" });
    await expectNoWrites(async () => {
      const err = await trpcErrorOf(callerFor(t.db, viewer.actor).users.create({ email: uniqueEmail(), name: "X", role: "admin" }));
      expect(err.code).toBe("FORBIDDEN");
    });
  });

  it("a NOT_FOUND raised inside the transaction writes nothing", async () => {
    await expectNoWrites(async () => {
      const err = await trpcErrorOf(
        callerFor(t.db, admin.actor).users.setRole({ userId: "00000000-0000-4000-8000-000000000000", role: "operator" }),
      );
      expect(err.code).toBe("NOT_FOUND");
    });
  });
});

describe("CONFLICT on a duplicate email writes nothing new", () => {
  it("refuses the same email in another case, with a field error, and leaves every count as it was", async () => {
    const email = uniqueEmail("dup");
    const caller = callerFor(t.db, admin.actor);
    const first = await caller.users.create({ email, name: "First", role: "viewer" });
    expect(first.user.email).toBe(email);

    await expectNoWrites(async () => {
      const err = await trpcErrorOf(caller.users.create({ email: email.toUpperCase(), name: "Second", role: "admin" }));
      expect(err.code).toBe("CONFLICT");
      expect(err.cause).toBeInstanceOf(AppError);
      expect((err.cause as AppError).fieldErrors).toEqual({ email: ["This email is already in use"] });

      const wire = await wireErrorOf(wireClient(() => ctxFor(t.db, admin.actor)).users.create.mutate({ email, name: "Third", role: "viewer" }));
      expect(wire.data?.code).toBe("CONFLICT");
      expect(wire.data?.httpStatus).toBe(409);
      expect(wire.shape?.data.fieldErrors).toEqual({ email: ["This email is already in use"] });
    });

    const [row] = await t.sql<{ name: string; role: string }[]>`select name, role::text from users where lower(email) = ${email}`;
    expect(row).toEqual({ name: "First", role: "viewer" });
  });
});
