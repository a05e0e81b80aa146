/**
 * Switchover / failover requests through the tRPC router on a real
 * PostgreSQL: roles, typed confirmation, preflight refusals that write
 * nothing, the one-active-operation rule under 50 concurrent requests,
 * cancel and resolve. Cluster state comes from the observer over a fake
 * driver (fake-driver.ts); what is under test is the engine's rules.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, clusters, componentStatus, events, operations } from "@/db/schema";
import { AppError } from "@/server/errors";
import { publicRowCounts } from "../db";
import { callerFor, trpcErrorOf } from "../trpc";
import { type Engine, engine, reason } from "./engine-fixtures";

let e: Engine;
beforeAll(async () => {
  e = await engine();
});
afterAll(async () => {
  await e.close();
});

async function expectNoWrites(run: () => Promise<unknown>) {
  const before = await publicRowCounts(e.t.sql);
  await run();
  expect(await publicRowCounts(e.t.sql)).toEqual(before);
}
const appErrorOf = (err: { cause?: unknown }) => err.cause as AppError;

describe("roles", () => {
  it("a viewer can read the preflight but cannot request or cancel", async () => {
    const c = await e.cluster();
    const pf = await e.as(e.viewer).preflight({ clusterId: c.id, kind: "switchover" });
    expect(pf.ok).toBe(true);
    await expectNoWrites(async () => {
      expect((await trpcErrorOf(e.as(e.viewer).switchover({ clusterId: c.id, reason, confirmName: c.name }))).code).toBe("FORBIDDEN");
      expect((await trpcErrorOf(e.as(e.viewer).failover({ clusterId: c.id, reason, confirmName: c.name, acknowledgeDataLoss: true }))).code).toBe("FORBIDDEN");
    });
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
    expect((await trpcErrorOf(e.as(e.viewer).cancel({ id: op.id }))).code).toBe("FORBIDDEN");
    await e.as(e.operator).cancel({ id: op.id });
  });

  it("an operator's request is stored with candidate, old primary, preflight, audit and event", async () => {
    const c = await e.cluster();
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
    expect(op).toMatchObject({ clusterId: c.id, clusterName: c.name, kind: "switchover", status: "pending", candidate: "pg-b", fromPrimary: "pg-a", reason, requestedByEmail: e.operator.row.email, overrides: [] });
    const detail = await e.as(e.viewer).operation({ id: op.id });
    expect(detail.preflight.map((p) => p.id)).toContain("candidate_lag");
    expect(detail.steps).toEqual([]);
    const audits = await e.t.db.select().from(auditLog).where(eq(auditLog.targetId, op.id));
    expect(audits.map((a) => a.action)).toEqual(["operation.requested"]);
    const ev = await e.t.db.select().from(events).where(eq(events.topic, `cluster:${c.id}`));
    expect(ev.map((x) => x.type)).toContain("operation.requested");
    await e.as(e.operator).cancel({ id: op.id });
  });
});

describe("bad input and refused preconditions write nothing", () => {
  it("the confirmation must be the cluster's exact name", async () => {
    const c = await e.cluster();
    await expectNoWrites(async () => {
      const err = await trpcErrorOf(e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name.toUpperCase() }));
      expect(err.code).toBe("BAD_REQUEST");
      expect(appErrorOf(err).fieldErrors?.confirmName?.[0]).toContain(c.name);
    });
  });

  it("a short reason, a past or far schedule, an unknown cluster", async () => {
    const c = await e.cluster();
    await expectNoWrites(async () => {
      expect((await trpcErrorOf(e.as(e.operator).switchover({ clusterId: c.id, reason: "because", confirmName: c.name }))).code).toBe("BAD_REQUEST");
      const past = await trpcErrorOf(e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name, scheduledAt: new Date(Date.now() - 60_000) }));
      expect(past.code).toBe("BAD_REQUEST");
      expect(appErrorOf(past).fieldErrors?.scheduledAt).toBeDefined();
      const far = await trpcErrorOf(e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name, scheduledAt: new Date(Date.now() + 31 * 86_400_000) }));
      expect(far.message).toMatch(/30 days/);
      expect((await trpcErrorOf(e.as(e.operator).switchover({ clusterId: "00000000-0000-4000-8000-000000000000", reason, confirmName: "x" }))).code).toBe("NOT_FOUND");
      const noAck = await trpcErrorOf(e.as(e.operator).failover({ clusterId: c.id, reason, confirmName: c.name, acknowledgeDataLoss: false as true }));
      expect(noAck.code).toBe("BAD_REQUEST");
    });
  });

  it("a candidate that is not a member is rejected naming it", async () => {
    const c = await e.cluster();
    await expectNoWrites(async () => {
      const err = await trpcErrorOf(e.as(e.operator).switchover({ clusterId: c.id, candidate: "pg-zz", reason, confirmName: c.name }));
      expect(err.code).toBe("PRECONDITION_FAILED");
      expect(err.message).toMatch(/pg-zz is not a member/);
      const primary = await trpcErrorOf(e.as(e.operator).switchover({ clusterId: c.id, candidate: "pg-a", reason, confirmName: c.name }));
      expect(primary.message).toMatch(/pg-a is the primary/);
    });
  });

  it("a stale observation is a failed precondition naming the check", async () => {
    const c = await e.cluster();
    await e.t.db.update(clusters).set({ observedAt: sql`now() - interval '1 minute'` }).where(eq(clusters.id, c.id));
    await expectNoWrites(async () => {
      const err = await trpcErrorOf(e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name }));
      expect(err.code).toBe("PRECONDITION_FAILED");
      expect(err.message).toMatch(/^Preflight failed: Cluster observed in the last 10 s/);
      expect(appErrorOf(err).details?.failed).toEqual(["cluster_observed"]);
    });
  });

  it("a lagging candidate fails the lag check; an unhealthy one the health check", async () => {
    const c = await e.cluster([
      { name: "pg-a", role: "primary", position: "0/5000000" },
      { name: "pg-b", role: "standby", position: "0/4000000", lagBytes: 64 * 1024 * 1024 },
      { name: "pg-c", role: "standby", position: "0/1000000", healthy: false },
    ]);
    const lag = await e.as(e.viewer).preflight({ clusterId: c.id, kind: "switchover" });
    expect(lag.candidate).toBe("pg-b");
    expect(lag.checks.find((x) => x.id === "candidate_lag")).toMatchObject({ ok: false, detail: expect.stringMatching(/64\.0 MiB behind/) });
    const sick = await e.as(e.viewer).preflight({ clusterId: c.id, kind: "switchover", candidate: "pg-c" });
    expect(sick.checks.find((x) => x.id === "candidate_healthy")?.ok).toBe(false);
    expect(sick.ok).toBe(false);
  });

  it("a failover on a healthy primary is refused: use a switchover", async () => {
    const c = await e.cluster();
    await expectNoWrites(async () => {
      const err = await trpcErrorOf(e.as(e.operator).failover({ clusterId: c.id, reason, confirmName: c.name, acknowledgeDataLoss: true }));
      expect(err.code).toBe("PRECONDITION_FAILED");
      expect(err.message).toMatch(/the primary pg-a is up; use a switchover/i);
    });
  });

  it("an open incident on the linked service blocks until overridden by name", async () => {
    await callerFor(e.t.db, e.operator.actor).health.createComponent({ kind: "tcp", name: "db-port", service: "orders", config: { host: "127.0.0.1", port: 9 } });
    const [svc] = await e.t.sql<{ id: string }[]>`select id from services where name = 'orders'`;
    await e.t.db.update(componentStatus).set({ state: "unhealthy" }).where(sql`component_id in (select id from components where name = 'db-port')`);
    const c = await e.cluster(undefined, { serviceId: svc!.id });
    const pf = await e.as(e.viewer).preflight({ clusterId: c.id, kind: "switchover" });
    expect(pf.checks.find((x) => x.id === "no_open_incident")).toMatchObject({ ok: false, overridable: true, detail: expect.stringMatching(/db-port/) });
    expect(pf.checks.find((x) => x.id === "budget_policy")).toMatchObject({ ok: true, detail: "No SLOs on this service" });
    const err = await trpcErrorOf(e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name }));
    expect(err.message).toMatch(/No open incident/);
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name, overrides: ["no_open_incident"] });
    expect(op.overrides).toEqual(["no_open_incident"]);
    await e.as(e.operator).cancel({ id: op.id });
  });
});

describe("one active operation per cluster", () => {
  it("50 concurrent switchover requests: exactly one operation, 49 CONFLICTs carrying its id", async () => {
    const c = await e.cluster();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => callerFor(e.t.db, e.operator.actor).clusters.switchover({ clusterId: c.id, reason, confirmName: c.name })),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    expect(ok).toHaveLength(1);
    const winner = (ok[0] as PromiseFulfilledResult<{ id: string }>).value.id;
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as { code: string; message: string; cause?: unknown });
    expect(losers).toHaveLength(49);
    for (const l of losers) {
      expect(l.code).toBe("CONFLICT");
      expect(l.message).toBe(`Another operation is active on this cluster: ${winner}`);
      expect((l.cause as AppError).details?.operationId).toBe(winner);
    }
    const rows = await e.t.db.select().from(operations).where(eq(operations.clusterId, c.id));
    expect(rows.map((r) => r.id)).toEqual([winner]);
    const audits = await e.t.db.select().from(auditLog).where(eq(auditLog.action, "operation.requested"));
    expect(audits.filter((a) => (a.details as { clusterId?: string }).clusterId === c.id)).toHaveLength(1);
    await e.as(e.operator).cancel({ id: winner });
  });
});

describe("failover request", () => {
  it("picks the most advanced standby, estimates the RPO from the old primary's last position, seeds the state", async () => {
    const c = await e.cluster([
      { name: "pg-a", role: "primary", position: "0/5000000" },
      { name: "pg-b", role: "standby", position: "0/4FFF000" },
      { name: "pg-c", role: "standby", position: "0/4000000" },
    ]);
    // the primary dies: the observer sees it down
    c.fake.members[0] = { name: "pg-a", role: "down", healthy: false, position: null };
    await e.observer.cycle();
    const pf = await e.as(e.viewer).preflight({ clusterId: c.id, kind: "failover" });
    expect(pf).toMatchObject({ ok: true, candidate: "pg-b", fromPrimary: "pg-a", rpoEstimateBytes: 0x1000 });
    const op = await e.as(e.operator).failover({ clusterId: c.id, reason, confirmName: c.name, acknowledgeDataLoss: true });
    expect(op).toMatchObject({ kind: "failover", candidate: "pg-b", fromPrimary: "pg-a", rpoEstimateBytes: 4096 });
    const detail = await e.as(e.viewer).operation({ id: op.id });
    expect(detail.state.oldPrimaryPosition).toBe("0/5000000");
    expect(typeof detail.state.primaryLostAt).toBe("string");
    const ev = await e.t.db.select().from(events).where(eq(events.topic, `cluster:${c.id}`));
    expect(ev.map((x) => x.type)).toContain("failover.triggered");
    await e.as(e.operator).cancel({ id: op.id });
  });
});

describe("cancel and resolve", () => {
  it("cancels a scheduled operation; a second cancel is a CONFLICT", async () => {
    const c = await e.cluster();
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name, scheduledAt: new Date(Date.now() + 3600_000) });
    expect(op.status).toBe("scheduled");
    const cancelled = await e.as(e.operator).cancel({ id: op.id });
    expect(cancelled).toMatchObject({ status: "cancelled" });
    expect(cancelled.finishedAt).toBeInstanceOf(Date);
    const again = await trpcErrorOf(e.as(e.operator).cancel({ id: op.id }));
    expect(again.code).toBe("CONFLICT");
  });

  it("a running operation cannot be cancelled; needs_attention is resolved by an admin only, with a note", async () => {
    const c = await e.cluster();
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
    await e.t.db.update(operations).set({ status: "running" }).where(eq(operations.id, op.id));
    const err = await trpcErrorOf(e.as(e.operator).cancel({ id: op.id }));
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toMatch(/already running/);
    await e.t.db.update(operations).set({ status: "needs_attention" }).where(eq(operations.id, op.id));
    const note = "checked pg-a is a standby of pg-b by hand";
    expect((await trpcErrorOf(e.as(e.operator).resolve({ id: op.id, outcome: "succeeded", note }))).code).toBe("FORBIDDEN");
    const resolved = await e.as(e.admin).resolve({ id: op.id, outcome: "succeeded", note });
    expect(resolved.status).toBe("succeeded");
    const detail = await e.as(e.viewer).operation({ id: op.id });
    expect(detail.state.resolution).toMatchObject({ outcome: "succeeded", note, by: e.admin.row.email });
    expect((await trpcErrorOf(e.as(e.admin).resolve({ id: op.id, outcome: "failed", note }))).code).toBe("CONFLICT");
    // the cluster is free again
    const next = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
    await e.as(e.operator).cancel({ id: next.id });
  });
});
