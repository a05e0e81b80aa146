/**
 * The operation runner on a real PostgreSQL: claims, leases, the cluster
 * advisory lock, step records, events, resume ("rerun") and park, figures.
 * Steps come from the test-only fake driver (fake-driver.ts): the runner's
 * durable-state semantics are under test, not a database's replication.
 * A worker "dying" is its run's AbortSignal being aborted: the run stops
 * writing at once and its step row stays "running", as after a crash.
 */
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events, operationSteps, operations } from "@/db/schema";
import { runDueOperations, runOperationNow } from "@/server/failover/runner";
import { NeedsAttention } from "@/server/failover/types";
import { type Engine, engine, reason } from "./engine-fixtures";
import { Latch } from "./fake-driver";

let e: Engine;
beforeAll(async () => {
  e = await engine();
});
afterAll(async () => {
  await e.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
const opRow = async (id: string) => (await e.t.db.select().from(operations).where(eq(operations.id, id)))[0]!;
const stepRows = (id: string) => e.t.db.select().from(operationSteps).where(eq(operationSteps.operationId, id)).orderBy(asc(operationSteps.seq));
const eventsOf = async (clusterId: string, opId: string) =>
  (await e.t.db.select().from(events).where(eq(events.topic, `cluster:${clusterId}`)).orderBy(asc(events.id)))
    .filter((x) => (x.payload as { operationId?: string }).operationId === opId)
    .map((x) => ({ ...(x.payload as Record<string, unknown>), type: x.type }) as Record<string, unknown> & { type: string });

describe("a switchover run", () => {
  it("records the steps in order with results, commands and logs, emits events, and stores the probe's figures", async () => {
    const c = await e.cluster();
    const gapStartedAt = new Date();
    c.fake.probeReport = { attempted: 120, acked: 120, lostAcked: 0, unavailableMs: 420, gapStartedAt, gapEndedAt: new Date(gapStartedAt.getTime() + 420), errors: {} };
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });

    const [out] = await runDueOperations(e.t.sql, e.runnerOpts());
    expect(out).toEqual({ operationId: op.id, outcome: "succeeded" });
    expect(c.fake.runs).toEqual(["fence", "wait-replay", "promote", "rejoin", "verify"]);
    expect(c.fake.members.map((m) => [m.name, m.role])).toEqual([
      ["pg-a", "standby"],
      ["pg-b", "primary"],
    ]);

    const d = await e.as(e.viewer).operation({ id: op.id });
    expect(d).toMatchObject({ status: "succeeded", error: null, writeUnavailableMs: 420, rtoMs: 420, lostAckedWrites: 0, probeWrites: 120, currentStep: "verify" });
    expect(d.durationMs).toBeGreaterThanOrEqual(0);
    expect(d.finishedAt).toBeInstanceOf(Date);
    expect(d.steps.map((s) => [s.seq, s.name, s.status, s.result])).toEqual([
      [1, "fence", "ok", "fenced"],
      [2, "wait-replay", "ok", "caught up"],
      [3, "promote", "ok", "pg-b promoted"],
      [4, "rejoin", "ok", "rejoined"],
      [5, "verify", "ok", "one primary"],
    ]);
    expect(d.steps[0]!.command).toBe("fake fence pg-b");
    expect(d.steps[0]!.logs.map((l) => l.msg)).toEqual([`Fence the old primary on ${c.name}`]);
    expect(d.state).toMatchObject({ fenceLsn: "0/3000100" });
    expect(typeof d.state.promotedAt).toBe("string");
    expect(c.fake.probeStarts).toBe(1);
    expect(c.fake.probeStops).toBe(1);

    const ev = await eventsOf(c.id, op.id);
    expect(ev.map((x) => x.type)).toEqual(["operation.requested", "operation.started", ...Array(10).fill("operation.step"), "operation.finished"]);
    expect(ev.filter((x) => x.type === "operation.step").map((x) => `${x.seq}:${x.name}:${x.status}`)).toEqual([
      "1:fence:running", "1:fence:ok", "2:wait-replay:running", "2:wait-replay:ok", "3:promote:running", "3:promote:ok",
      "4:rejoin:running", "4:rejoin:ok", "5:verify:running", "5:verify:ok",
    ]);
    expect(ev.at(-1)).toMatchObject({ status: "succeeded", writeUnavailableMs: 420 });
  });

  it("a failing step fails the operation with its message; NeedsAttention parks it", async () => {
    const c = await e.cluster();
    c.fake.hooks.set("wait-replay", () => {
      throw new Error("candidate stuck at 0/3000000");
    });
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
    expect(await runOperationNow(e.t.sql, op.id, e.runnerOpts())).toEqual({ operationId: op.id, outcome: "failed" });
    const d = await e.as(e.viewer).operation({ id: op.id });
    expect(d).toMatchObject({ status: "failed", error: "candidate stuck at 0/3000000" });
    expect(d.steps.map((s) => s.status)).toEqual(["ok", "failed"]);
    expect(c.fake.runs).toEqual(["fence", "wait-replay"]);

    const c2 = await e.cluster();
    c2.fake.hooks.set("rejoin", () => {
      throw new NeedsAttention("pg-a did not come back as a standby; rejoin it by hand");
    });
    const op2 = await e.as(e.operator).switchover({ clusterId: c2.id, reason, confirmName: c2.name });
    expect((await runOperationNow(e.t.sql, op2.id, e.runnerOpts()))?.outcome).toBe("needs_attention");
    expect(await opRow(op2.id)).toMatchObject({ status: "needs_attention", error: "pg-a did not come back as a standby; rejoin it by hand", leaseOwner: null, finishedAt: null });
  });
});

describe("scheduling", () => {
  it("a scheduled operation waits for its time; a cancelled one never runs", async () => {
    const keep = await e.cluster();
    const drop = await e.cluster();
    const at = new Date(Date.now() + 1_500);
    const kept = await e.as(e.operator).switchover({ clusterId: keep.id, reason, confirmName: keep.name, scheduledAt: at });
    const dropped = await e.as(e.operator).switchover({ clusterId: drop.id, reason, confirmName: drop.name, scheduledAt: at });
    expect(await runDueOperations(e.t.sql, e.runnerOpts())).toEqual([]);
    await e.as(e.operator).cancel({ id: dropped.id });
    await until("the scheduled time", () => Date.now() > at.getTime() + 100);
    const outs = await runDueOperations(e.t.sql, e.runnerOpts());
    expect(outs).toEqual([{ operationId: kept.id, outcome: "succeeded" }]);
    expect(await runDueOperations(e.t.sql, e.runnerOpts())).toEqual([]);
    expect(drop.fake.runs).toEqual([]);
    expect(await opRow(dropped.id)).toMatchObject({ status: "cancelled", attempts: 0, startedAt: null });
    expect(await stepRows(dropped.id)).toEqual([]);
  });
});

describe("a worker dies mid-operation", () => {
  it("another runner resumes a 'rerun' step (resumed=true) and finishes; figures are not invented", async () => {
    const c = await e.cluster();
    c.fake.probeReport = { attempted: 1, acked: 1, lostAcked: 0, unavailableMs: 1, gapStartedAt: null, gapEndedAt: null, errors: {} };
    const latch = new Latch();
    c.fake.hooks.set("wait-replay", (ctx) => latch.wait(ctx.signal));
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
    const kill = new AbortController();
    const a = runOperationNow(e.t.sql, op.id, e.runnerOpts("worker-a", { signal: kill.signal }));
    await until("worker A inside wait-replay", () => latch.entered === 1);
    kill.abort(new Error("kill -9"));
    expect(await a).toEqual({ operationId: op.id, outcome: "lost" });
    expect(await opRow(op.id)).toMatchObject({ status: "running", leaseOwner: "worker-a", attempts: 1 });
    expect((await stepRows(op.id)).map((s) => s.status)).toEqual(["ok", "running"]);

    latch.open();
    expect(await runOperationNow(e.t.sql, op.id, e.runnerOpts("worker-b"))).toEqual({ operationId: op.id, outcome: "succeeded" });
    expect(c.fake.runs).toEqual(["fence", "wait-replay", "wait-replay(resumed)", "promote", "rejoin", "verify"]);
    const d = await e.as(e.viewer).operation({ id: op.id });
    expect(d.steps.map((s) => `${s.name}:${s.status}`)).toEqual(["fence:ok", "wait-replay:ok", "promote:ok", "rejoin:ok", "verify:ok"]);
    expect(d.steps[1]!.logs.some((l) => /Resumed after a worker stopped/.test(l.msg))).toBe(true);
    expect(d).toMatchObject({ status: "succeeded", writeUnavailableMs: null, lostAckedWrites: null });
    expect(d.state.measurement).toMatch(/not measured/);
    expect((await opRow(op.id)).attempts).toBe(2);
    // the probe of the first run was stopped by it, and the resumed run started none
    expect(c.fake.probeStarts).toBe(1);
    expect(c.fake.probeStops).toBe(1);
  });

  it("a 'park' step found started is never repeated: needs_attention with what is known", async () => {
    const c = await e.cluster();
    const latch = new Latch();
    c.fake.hooks.set("promote", async (ctx) => {
      await ctx.setState({ promoteRequestedAt: new Date().toISOString() });
      await latch.wait(ctx.signal);
    });
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
    const kill = new AbortController();
    const a = runOperationNow(e.t.sql, op.id, e.runnerOpts("worker-a", { signal: kill.signal }));
    await until("worker A inside promote", () => latch.entered === 1);
    kill.abort(new Error("kill -9"));
    expect((await a)?.outcome).toBe("lost");
    latch.open();
    expect((await runOperationNow(e.t.sql, op.id, e.runnerOpts("worker-b")))?.outcome).toBe("needs_attention");
    expect(c.fake.runs).toEqual(["fence", "wait-replay", "promote"]);
    const d = await e.as(e.viewer).operation({ id: op.id });
    expect(d.status).toBe("needs_attention");
    expect(d.error).toMatch(/^A worker stopped during Promote the candidate; .*promoteRequestedAt/);
    expect(d.steps.map((s) => `${s.name}:${s.status}`)).toEqual(["fence:ok", "wait-replay:ok", "promote:failed"]);
    // nothing runs it again until a person resolves it
    expect(await runDueOperations(e.t.sql, e.runnerOpts("worker-c"))).toEqual([]);
  });

  it("a run whose lease was taken stops without further actions", async () => {
    const c = await e.cluster();
    const latch = new Latch();
    c.fake.hooks.set("fence", (ctx) => latch.wait(ctx.signal));
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
    const a = runOperationNow(e.t.sql, op.id, e.runnerOpts("worker-a", { renewMs: 100 }));
    await until("worker A inside fence", () => latch.entered === 1);
    await e.t.db.update(operations).set({ leaseOwner: "worker-z" }).where(eq(operations.id, op.id));
    expect((await a)?.outcome).toBe("lost");
    expect(c.fake.runs).toEqual(["fence"]);
    expect(await opRow(op.id)).toMatchObject({ status: "running", leaseOwner: "worker-z", finishedAt: null });
    expect((await stepRows(op.id)).map((s) => s.status)).toEqual(["running"]);
  });
});

describe("single flight per cluster", () => {
  it("a second runner that claims an expired lease finds the cluster lock held and gives the claim back untouched", async () => {
    const c = await e.cluster();
    const latch = new Latch();
    c.fake.hooks.set("fence", (ctx) => latch.wait(ctx.signal));
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
    // A renews rarely here, so its lease can be made to look expired
    const a = runOperationNow(e.t.sql, op.id, e.runnerOpts("worker-a", { renewMs: 60_000 }));
    await until("worker A inside fence", () => latch.entered === 1);
    await e.t.sql`update operations set lease_until = now() - interval '1 second' where id = ${op.id}`;
    const before = await opRow(op.id);

    const b = await runDueOperations(e.t.sql, e.runnerOpts("worker-b"));
    expect(b).toEqual([{ operationId: op.id, outcome: "lock-busy" }]);
    expect(latch.entered).toBe(1);
    const after = await opRow(op.id);
    expect(after).toMatchObject({ status: "running", leaseOwner: "worker-a", attempts: before.attempts });
    expect(after.leaseUntil?.getTime()).toBe(before.leaseUntil?.getTime());

    latch.open();
    expect((await a)?.outcome).toBe("succeeded");
    expect(c.fake.runs).toEqual(["fence", "wait-replay", "promote", "rejoin", "verify"]);
  });
});

describe("a failover run", () => {
  it("measures RTO from when the primary was last seen writable and the LSN gap at promotion", async () => {
    const c = await e.cluster([
      { name: "pg-a", role: "primary", position: "0/5000000" },
      { name: "pg-b", role: "standby", position: "0/4FFF000" },
    ]);
    c.fake.members[0] = { name: "pg-a", role: "down", healthy: false, position: null };
    await e.observer.cycle();
    const op = await e.as(e.operator).failover({ clusterId: c.id, reason, confirmName: c.name, acknowledgeDataLoss: true });
    expect((await runOperationNow(e.t.sql, op.id, e.runnerOpts()))?.outcome).toBe("succeeded");
    const d = await e.as(e.viewer).operation({ id: op.id });
    expect(d).toMatchObject({ status: "succeeded", lsnGapBytes: 4096, rpoEstimateBytes: 4096, writeUnavailableMs: null });
    const lostAt = Date.parse(String(d.state.primaryLostAt));
    const promotedAt = Date.parse(String(d.state.promotedAt));
    expect(d.rtoMs).toBe(promotedAt - lostAt);
    expect(c.fake.runs).toEqual(["promote", "verify"]);
  });
});
