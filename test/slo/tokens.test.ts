/**
 * API tokens through the tRPC router and authenticateApiToken on a real
 * PostgreSQL: the plain token is shown once and only its hash is stored,
 * revocation is idempotent, and authentication fails the same way for an
 * unknown and a revoked token.
 */
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { apiTokens, auditLog, services } from "@/db/schema";
import { zodFieldErrors } from "@/server/core/verb";
import { AppError } from "@/server/errors";
import { authenticateApiToken } from "@/server/slo/api-auth";
import { publicRowCounts, testDb, type TestDb } from "../db";
import { makeUser, type MadeUser } from "../factories";
import { callerFor, rejectionOf, trpcErrorOf } from "../trpc";

let t: TestDb;
let admin: MadeUser;
let operator: MadeUser;
let viewer: MadeUser;
let checkoutId: string;

beforeAll(async () => {
  t = await testDb();
  [admin, operator, viewer] = await Promise.all([makeUser(t.db, { role: "admin" }), makeUser(t.db, { role: "operator" }), makeUser(t.db, { role: "viewer" })]);
  const [svc] = await t.db.insert(services).values([{ name: "checkout" }, { name: "billing" }]).returning();
  checkoutId = svc!.id;
});
afterAll(async () => {
  await t.close();
});

const as = (u: MadeUser) => callerFor(t.db, u.actor).slo;

function fieldErrorsOf(err: { cause?: unknown }): Record<string, unknown> {
  if (err.cause instanceof ZodError) return zodFieldErrors(err.cause);
  return (err.cause as { fieldErrors?: Record<string, unknown> } | undefined)?.fieldErrors ?? {};
}

async function appErrorOf(p: Promise<unknown>): Promise<AppError> {
  const err = await rejectionOf(p);
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`, { cause: err });
  return err;
}

describe("createToken", () => {
  it("returns a bwk_ token once and stores only its sha256 and a 12-character prefix", async () => {
    const { token, view } = await as(admin).createToken({ service: "Checkout", name: "ci deploy", scopes: ["gate:read", "sli:write", "gate:read"] });
    expect(token).toMatch(/^bwk_[A-Za-z0-9_-]{43}$/);
    expect(view).toMatchObject({ name: "ci deploy", serviceId: checkoutId, serviceName: "checkout", prefix: token.slice(0, 12), scopes: ["sli:write", "gate:read"], lastUsedAt: null, revokedAt: null });
    const [row] = await t.db.select().from(apiTokens).where(eq(apiTokens.id, view.id));
    expect(row!.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    // The raw token appears nowhere in the database: not in the row, not in the audit log.
    const [{ hits }] = (await t.sql`
      select count(*)::int as hits from (
        select to_jsonb(a)::text as j from api_tokens a union all select to_jsonb(l)::text from audit_log l
      ) x where x.j like ${"%" + token.slice(4) + "%"}`) as unknown as [{ hits: number }];
    expect(hits).toBe(0);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.targetId, view.id));
    expect(audits.map((a) => a.action)).toEqual(["slo.token.create"]);
    expect(audits[0]!.details).toMatchObject({ name: "ci deploy", service: "checkout", prefix: view.prefix });
  });

  it("two tokens never share a value", async () => {
    const a = await as(admin).createToken({ service: "billing", name: "a", scopes: ["sli:write"] });
    const b = await as(admin).createToken({ service: "billing", name: "b", scopes: ["sli:write"] });
    expect(a.token).not.toBe(b.token);
  });

  it("refuses a service that does not exist, with a field error, and creates nothing (not even the service)", async () => {
    const before = await publicRowCounts(t.sql);
    const err = await trpcErrorOf(as(admin).createToken({ service: "no-such-service", name: "x", scopes: ["gate:read"] }));
    expect(err.code).toBe("NOT_FOUND");
    expect(fieldErrorsOf(err)).toHaveProperty("service");
    expect(await publicRowCounts(t.sql)).toEqual(before);
  });

  it("refuses no scopes and an unknown scope with field errors", async () => {
    const none = await trpcErrorOf(as(admin).createToken({ service: "checkout", name: "x", scopes: [] }));
    expect(none.code).toBe("BAD_REQUEST");
    expect(fieldErrorsOf(none)).toHaveProperty("scopes");
    const unknown = await trpcErrorOf(as(admin).createToken({ service: "checkout", name: "x", scopes: ["admin:all" as "gate:read"] }));
    expect(fieldErrorsOf(unknown)).toHaveProperty("scopes.0");
  });

  it("is admin-only", async () => {
    for (const u of [viewer, operator]) {
      expect((await trpcErrorOf(as(u).createToken({ service: "checkout", name: "x", scopes: ["gate:read"] }))).code).toBe("FORBIDDEN");
    }
  });
});

describe("listTokens", () => {
  it("lists every token newest first, without hashes, for viewers too", async () => {
    const first = await as(admin).createToken({ service: "checkout", name: "older", scopes: ["gate:read"] });
    await new Promise((r) => setTimeout(r, 5));
    const second = await as(admin).createToken({ service: "checkout", name: "newer", scopes: ["gate:read"] });
    const list = await as(viewer).tokens();
    const ids = list.map((v) => v.id);
    expect(ids.indexOf(second.view.id)).toBeLessThan(ids.indexOf(first.view.id));
    expect(ids[0]).toBe(second.view.id);
    for (const v of list) expect(Object.keys(v).sort()).toEqual(["createdAt", "id", "lastUsedAt", "name", "prefix", "revokedAt", "scopes", "serviceId", "serviceName"]);
  });
});

describe("revokeToken and authenticateApiToken", () => {
  it("authenticates a live token, records last use at most once a minute, and rejects it once revoked", async () => {
    const { token, view } = await as(admin).createToken({ service: "checkout", name: "gate", scopes: ["gate:read"] });
    const who = await authenticateApiToken(t.db, `Bearer ${token}`, "gate:read");
    expect(who).toMatchObject({ tokenId: view.id, serviceId: checkoutId, serviceName: "checkout" });
    const [used] = await t.db.select({ at: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.id, view.id));
    expect(used!.at).toBeInstanceOf(Date);
    await authenticateApiToken(t.db, `bearer ${token}`, "gate:read");
    const [again] = await t.db.select({ at: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.id, view.id));
    expect(again!.at!.getTime()).toBe(used!.at!.getTime());
    // Older than a minute: the next use writes it again.
    await t.sql`update api_tokens set last_used_at = now() - interval '2 minutes' where id = ${view.id}`;
    await authenticateApiToken(t.db, `Bearer ${token}`, "gate:read");
    const [later] = await t.db.select({ at: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.id, view.id));
    expect(Date.now() - later!.at!.getTime()).toBeLessThan(60_000);

    const revoked = await as(admin).revokeToken({ id: view.id });
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    const err = await appErrorOf(authenticateApiToken(t.db, `Bearer ${token}`, "gate:read"));
    expect(err.code).toBe("UNAUTHORIZED");
    // Same answer as for a token that never existed: nothing tells a caller which.
    const unknown = await appErrorOf(authenticateApiToken(t.db, `Bearer bwk_${"A".repeat(43)}`, "gate:read"));
    expect(unknown.code).toBe("UNAUTHORIZED");
    expect(unknown.message).toBe(err.message);
  });

  it("401 for a missing or malformed header, 403 for a scope the token lacks", async () => {
    const { token } = await as(admin).createToken({ service: "checkout", name: "ingest", scopes: ["sli:write"] });
    for (const h of [null, "", token, `Basic ${token}`, "Bearer not-a-token"]) {
      expect((await appErrorOf(authenticateApiToken(t.db, h, "sli:write"))).code).toBe("UNAUTHORIZED");
    }
    const err = await appErrorOf(authenticateApiToken(t.db, `Bearer ${token}`, "gate:read"));
    expect(err.code).toBe("FORBIDDEN");
    expect(err.message).toContain("gate:read");
  });

  it("revoking twice is a no-op with one audit row; an unknown id is NOT_FOUND; admin-only", async () => {
    const { view } = await as(admin).createToken({ service: "checkout", name: "twice", scopes: ["gate:read"] });
    expect((await trpcErrorOf(as(operator).revokeToken({ id: view.id }))).code).toBe("FORBIDDEN");
    const a = await as(admin).revokeToken({ id: view.id });
    const b = await as(admin).revokeToken({ id: view.id });
    expect(b.revokedAt!.getTime()).toBe(a.revokedAt!.getTime());
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.targetId, view.id));
    expect(audits.map((x) => x.action).sort()).toEqual(["slo.token.create", "slo.token.revoke"]);
    expect((await trpcErrorOf(as(admin).revokeToken({ id: "00000000-0000-4000-8000-000000000000" }))).code).toBe("NOT_FOUND");
  });
});
