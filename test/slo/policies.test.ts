/**
 * Error-budget policies through the tRPC router on a real PostgreSQL:
 * attached to a service or one SLO (never both, never a new service), tiers
 * validated with per-field errors, one policy per target, audit and
 * `budget.policy.changed` outbox rows in the same transaction.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { auditLog, errorBudgetPolicies, events, services } from "@/db/schema";
import { zodFieldErrors } from "@/server/core/verb";
import { savePolicy } from "@/server/slo/policies";
import { DEFAULT_POLICY_TIERS } from "@/server/slo/schemas";
import { publicRowCounts, testDb, type TestDb } from "../db";
import { makeUser, requestId, type MadeUser } from "../factories";
import { callerFor, rejectionOf, trpcErrorOf } from "../trpc";

let t: TestDb;
let admin: MadeUser;
let operator: MadeUser;
let viewer: MadeUser;
let searchId: string;
let queryLatency: string;

beforeAll(async () => {
  t = await testDb();
  [admin, operator, viewer] = await Promise.all([makeUser(t.db, { role: "admin" }), makeUser(t.db, { role: "operator" }), makeUser(t.db, { role: "viewer" })]);
  const [s] = await t.db.insert(services).values([{ name: "search" }, { name: "indexer" }]).returning();
  searchId = s!.id;
  const slo = await callerFor(t.db, operator.actor).slo.create({ service: searchId, key: "query-latency", name: "Query latency", sli: { source: "push" }, objective: 0.99, window: { kind: "rolling", days: 28 } });
  queryLatency = slo.id;
});
afterAll(async () => {
  await t.close();
});

const as = (u: MadeUser) => callerFor(t.db, u.actor).slo;

function fieldErrorsOf(err: { cause?: unknown }): Record<string, unknown> {
  if (err.cause instanceof ZodError) return zodFieldErrors(err.cause);
  return (err.cause as { fieldErrors?: Record<string, unknown> } | undefined)?.fieldErrors ?? {};
}

async function expectNoWrites(run: () => Promise<unknown>) {
  const before = await publicRowCounts(t.sql);
  await run();
  expect(await publicRowCounts(t.sql)).toEqual(before);
}

describe("savePolicy", () => {
  let servicePolicyId: string;

  it("creates a service policy (tiers kept loosest first), with an audit row and a budget.policy.changed event", async () => {
    const reversed = [...DEFAULT_POLICY_TIERS].reverse();
    const view = await as(admin).savePolicy({ name: "Search default", service: "Search", tiers: reversed });
    servicePolicyId = view.id;
    expect(view).toMatchObject({ name: "Search default", scope: "service", serviceId: searchId, serviceName: "search", sloId: null, sloName: null });
    expect(view.tiers).toEqual(DEFAULT_POLICY_TIERS);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.targetId, view.id));
    expect(audits.map((a) => a.action)).toEqual(["slo.policy.save"]);
    expect(audits[0]!.details).toMatchObject({ name: "Search default", created: true, attachedTo: "service search" });
    const ev = await t.db.select().from(events).where(eq(events.type, "budget.policy.changed"));
    expect(ev.map((e) => [e.topic, (e.payload as { policyId: string }).policyId])).toEqual([["slo", view.id]]);
  });

  it("creates an SLO policy that names its SLO and the SLO's service", async () => {
    const view = await as(admin).savePolicy({ name: "Latency strict", sloId: queryLatency, tiers: [{ name: "Freeze", below: 0.2, action: "freeze" }] });
    expect(view).toMatchObject({ scope: "slo", sloId: queryLatency, sloName: "Query latency", serviceId: searchId, serviceName: "search" });
  });

  it("updates by id; saving the same content again changes nothing and writes no audit row", async () => {
    const tiers = [{ name: "Notify", below: 0.6, action: "notify" as const }, ...DEFAULT_POLICY_TIERS.slice(1)];
    const updated = await as(admin).savePolicy({ id: servicePolicyId, name: "Search default v2", service: searchId, tiers });
    expect(updated.name).toBe("Search default v2");
    expect(updated.tiers[0]).toEqual({ name: "Notify", below: 0.6, action: "notify" });
    const [row] = await t.db.select().from(errorBudgetPolicies).where(eq(errorBudgetPolicies.id, servicePolicyId));
    expect(row!.updatedAt.getTime()).toBeGreaterThan(row!.createdAt.getTime());
    await expectNoWrites(() => as(admin).savePolicy({ id: servicePolicyId, name: "Search default v2", service: "search", tiers: [...tiers].reverse() }));
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.targetId, servicePolicyId));
    expect(audits.filter((a) => a.action === "slo.policy.save")).toHaveLength(2);
  });

  it("refuses a second policy for the same service or SLO with CONFLICT", async () => {
    await expectNoWrites(async () => {
      const err = await trpcErrorOf(as(admin).savePolicy({ name: "Another", service: "search", tiers: DEFAULT_POLICY_TIERS }));
      expect(err.code).toBe("CONFLICT");
      expect(fieldErrorsOf(err)).toHaveProperty("service");
      const slo = await trpcErrorOf(as(admin).savePolicy({ name: "Another", sloId: queryLatency, tiers: DEFAULT_POLICY_TIERS }));
      expect(slo.code).toBe("CONFLICT");
      expect(fieldErrorsOf(slo)).toHaveProperty("sloId");
    });
  });

  it.each([
    ["neither service nor SLO", { name: "x", tiers: DEFAULT_POLICY_TIERS }, "service"],
    ["both service and SLO", { name: "x", service: "indexer", sloId: "00000000-0000-4000-8000-000000000000", tiers: DEFAULT_POLICY_TIERS }, "service"],
    ["no tiers", { name: "x", service: "indexer", tiers: [] }, "tiers"],
    ["a threshold above 100 %", { name: "x", service: "indexer", tiers: [DEFAULT_POLICY_TIERS[0]!, { name: "t", below: 1.5, action: "notify" }] }, "tiers.1.below"],
    ["two tiers at one threshold", { name: "x", service: "indexer", tiers: [DEFAULT_POLICY_TIERS[0]!, { ...DEFAULT_POLICY_TIERS[0]!, name: "again" }] }, "tiers"],
    ["an unknown action", { name: "x", service: "indexer", tiers: [{ name: "t", below: 0.5, action: "page" }] }, "tiers.0.action"],
    ["no name", { name: " ", service: "indexer", tiers: DEFAULT_POLICY_TIERS }, "name"],
  ])("rejects %s with a field error and writes nothing", async (_what, input, field) => {
    await expectNoWrites(async () => {
      const err = await trpcErrorOf(as(admin).savePolicy(input as never));
      expect(err.code).toBe("BAD_REQUEST");
      expect(fieldErrorsOf(err)).toHaveProperty([field]);
      // The verb's own parse (the path the worker and REST take) agrees.
      const direct = (await rejectionOf(savePolicy({ ctx: { actor: admin.actor, db: t.db, requestId: requestId() }, input }))) as { fieldErrors?: object };
      expect(direct.fieldErrors).toHaveProperty([field]);
    });
  });

  it("an unknown service or SLO is NOT_FOUND and no service is created", async () => {
    await expectNoWrites(async () => {
      const svc = await trpcErrorOf(as(admin).savePolicy({ name: "x", service: "ghost", tiers: DEFAULT_POLICY_TIERS }));
      expect(svc.code).toBe("NOT_FOUND");
      expect(fieldErrorsOf(svc)).toHaveProperty("service");
      const slo = await trpcErrorOf(as(admin).savePolicy({ name: "x", sloId: "00000000-0000-4000-8000-000000000000", tiers: DEFAULT_POLICY_TIERS }));
      expect(slo.code).toBe("NOT_FOUND");
      expect(fieldErrorsOf(slo)).toHaveProperty("sloId");
      const id = await trpcErrorOf(as(admin).savePolicy({ id: "00000000-0000-4000-8000-000000000000", name: "x", service: "indexer", tiers: DEFAULT_POLICY_TIERS }));
      expect(id.code).toBe("NOT_FOUND");
    });
  });

  it("is admin-only", async () => {
    for (const u of [viewer, operator]) {
      expect((await trpcErrorOf(as(u).savePolicy({ name: "x", service: "indexer", tiers: DEFAULT_POLICY_TIERS }))).code).toBe("FORBIDDEN");
      expect((await trpcErrorOf(as(u).deletePolicy({ id: "00000000-0000-4000-8000-000000000000" }))).code).toBe("FORBIDDEN");
    }
  });
});

describe("listPolicies and deletePolicy", () => {
  it("lists service policies before SLO policies; delete is audited, emits, and a second delete is NOT_FOUND", async () => {
    const indexer = await as(admin).savePolicy({ name: "Indexer", service: "indexer", tiers: DEFAULT_POLICY_TIERS });
    const list = await as(viewer).policies();
    expect(list.map((p) => [p.scope, p.serviceName, p.name])).toEqual([
      ["service", "indexer", "Indexer"],
      ["service", "search", "Search default v2"],
      ["slo", "search", "Latency strict"],
    ]);
    await as(admin).deletePolicy({ id: indexer.id });
    expect((await as(viewer).policies()).map((p) => p.id)).not.toContain(indexer.id);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.targetId, indexer.id));
    expect(audits.map((a) => a.action)).toEqual(["slo.policy.save", "slo.policy.delete"]);
    const ev = await t.db.select().from(events).where(eq(events.type, "budget.policy.changed"));
    expect(ev.filter((e) => (e.payload as { policyId: string }).policyId === indexer.id)).toHaveLength(2);
    expect((await trpcErrorOf(as(admin).deletePolicy({ id: indexer.id }))).code).toBe("NOT_FOUND");
  });
});
