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
import { LeaseKeeper, type RenewResult } from "@/server/failover/lease-keeper";
import { OperationRunner, runDueOperations, runOperationNow } from "@/server/failover/runner";
import { NeedsAttention, NothingChanged } from "@/server/failover/types";
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
/** Ends an operation a test left running, so a later test's runDueOperations does not claim it once its lease expires. */
const retire = async (id: string) => {
  await e.t.sql`update operations set status = 'failed', error = 'retired by the test', lease_owner = null, lease_until = null, finished_at = now() where id = ${id}`;
};
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

  it("before any step that changes the cluster, a failing step fails the operation with its message; NeedsAttention parks it", async () => {
    const c = await e.cluster();
    // here the fence is only a check: nothing has changed when wait-replay fails
    c.fake.changesCluster = { promote: true, rejoin: true };
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

  it("once a step that changes the cluster has started, a plain error parks the operation; NothingChanged fails it", async () => {
    const c = await e.cluster();
    c.fake.hooks.set("wait-replay", () => {
      throw new Error("candidate stuck at 0/3000000");
    });
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
    expect(await runOperationNow(e.t.sql, op.id, e.runnerOpts())).toEqual({ operationId: op.id, outcome: "needs_attention" });
    const d = await e.as(e.viewer).operation({ id: op.id });
    expect(d).toMatchObject({
      status: "needs_attention",
      error: "Wait for the candidate to replay failed after the cluster was changed: candidate stuck at 0/3000000 — check the cluster before acting",
      finishedAt: null,
    });
    expect(d.steps.map((s) => [s.name, s.status, s.result])).toEqual([
      ["fence", "ok", "fenced"],
      ["wait-replay", "failed", "candidate stuck at 0/3000000"],
    ]);
    expect((await eventsOf(c.id, op.id)).at(-1)).toMatchObject({ type: "operation.finished", status: "needs_attention" });

    // the step that changes the cluster counts from its own start
    const c2 = await e.cluster();
    c2.fake.hooks.set("fence", () => {
      throw new Error("agent answered 500");
    });
    const op2 = await e.as(e.operator).switchover({ clusterId: c2.id, reason, confirmName: c2.name });
    expect((await runOperationNow(e.t.sql, op2.id, e.runnerOpts()))?.outcome).toBe("needs_attention");
    expect((await opRow(op2.id)).error).toBe("Fence the old primary failed after the cluster was changed: agent answered 500 — check the cluster before acting");

    // a step that put the cluster back says so: failed, safely
    const c3 = await e.cluster();
    c3.fake.hooks.set("wait-replay", () => {
      throw new NothingChanged("candidate did not catch up in 30 s; pg-a un-fenced");
    });
    const op3 = await e.as(e.operator).switchover({ clusterId: c3.id, reason, confirmName: c3.name });
    expect((await runOperationNow(e.t.sql, op3.id, e.runnerOpts()))?.outcome).toBe("failed");
    expect(await opRow(op3.id)).toMatchObject({ status: "failed", error: "candidate did not catch up in 30 s; pg-a un-fenced", leaseOwner: null });
    expect((await opRow(op3.id)).finishedAt).toBeInstanceOf(Date);
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
    await retire(op.id);
  });

  it("a plain error in a resumed run counts a cluster change made by the run that died", async () => {
    const c = await e.cluster();
    const latch = new Latch();
    let calls = 0;
    c.fake.hooks.set("wait-replay", async (ctx) => {
      calls += 1;
      if (calls === 1) return latch.wait(ctx.signal);
      throw new Error("candidate unreachable");
    });
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
    const kill = new AbortController();
    const a = runOperationNow(e.t.sql, op.id, e.runnerOpts("worker-a", { signal: kill.signal }));
    await until("worker A inside wait-replay", () => latch.entered === 1);
    kill.abort(new Error("kill -9"));
    expect((await a)?.outcome).toBe("lost");

    expect((await runOperationNow(e.t.sql, op.id, e.runnerOpts("worker-b")))?.outcome).toBe("needs_attention");
    expect(c.fake.runs).toEqual(["fence", "wait-replay", "wait-replay(resumed)"]);
    expect((await opRow(op.id)).error).toBe("Wait for the candidate to replay failed after the cluster was changed: candidate unreachable — check the cluster before acting");
  });

  it("a step recorded as failed by a worker that died before ending the operation parks it with that result, without re-running or re-inserting the step", async () => {
    const c = await e.cluster();
    const latch = new Latch();
    c.fake.hooks.set("wait-replay", (ctx) => latch.wait(ctx.signal));
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
    const kill = new AbortController();
    const a = runOperationNow(e.t.sql, op.id, e.runnerOpts("worker-a", { signal: kill.signal }));
    await until("worker A inside wait-replay", () => latch.entered === 1);
    kill.abort(new Error("kill -9"));
    expect((await a)?.outcome).toBe("lost");
    // what a worker leaves when it dies between writing the step's failure and ending the operation
    const [failedStep] = (await stepRows(op.id)).filter((s) => s.seq === 2);
    await e.t.db.update(operationSteps).set({ status: "failed", result: "candidate stuck at 0/3000000", finishedAt: new Date() }).where(eq(operationSteps.id, failedStep!.id));
    latch.open();

    expect((await runOperationNow(e.t.sql, op.id, e.runnerOpts("worker-b")))?.outcome).toBe("needs_attention");
    expect(c.fake.runs).toEqual(["fence", "wait-replay"]);
    const row = await opRow(op.id);
    expect(row).toMatchObject({ status: "needs_attention", leaseOwner: null, finishedAt: null });
    expect(row.error).toBe("Wait for the candidate to replay failed and the worker stopped before ending the operation: candidate stuck at 0/3000000 — check the cluster before acting");
    expect((await stepRows(op.id)).map((s) => `${s.seq}:${s.name}:${s.status}`)).toEqual(["1:fence:ok", "2:wait-replay:failed"]);
  });
});

describe("lease renewal", () => {
  /** Makes renewals of one operation's lease raise while `fails` lasts; counts every renewal attempt in a sequence. */
  async function failRenewals(opId: string, fails: number): Promise<{ attempts: () => Promise<number>; drop: () => Promise<void> }> {
    const tag = `r_${opId.replace(/-/g, "").slice(0, 12)}`;
    await e.t.sql.unsafe(`create sequence ${tag}_seq`);
    await e.t.sql.unsafe(`
      create function ${tag}_fn() returns trigger language plpgsql as $$
      begin
        if new.id = '${opId}'::uuid and new.lease_until > old.lease_until then
          -- nextval is not rolled back with the failed statement: each attempt is counted
          if nextval('${tag}_seq') <= ${fails} then
            raise exception 'injected: the database dropped the renewal';
          end if;
        end if;
        return new;
      end $$`);
    await e.t.sql.unsafe(`create trigger ${tag}_tr before update on operations for each row execute function ${tag}_fn()`);
    return {
      attempts: async () => {
        const [r] = await e.t.sql.unsafe<{ n: string }[]>(`select case when is_called then last_value else 0 end as n from ${tag}_seq`);
        return Number(r?.n ?? 0);
      },
      drop: async () => {
        await e.t.sql.unsafe(`drop trigger ${tag}_tr on operations; drop function ${tag}_fn(); drop sequence ${tag}_seq`);
      },
    };
  }

  it("a renewal that fails once does not stop the run: it is retried at the renew cadence", async () => {
    const c = await e.cluster();
    const latch = new Latch();
    c.fake.hooks.set("wait-replay", (ctx) => latch.wait(ctx.signal));
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
    const a = runOperationNow(e.t.sql, op.id, e.runnerOpts("worker-a", { renewMs: 100 }));
    await until("worker A inside wait-replay", () => latch.entered === 1);
    const inject = await failRenewals(op.id, 1);
    try {
      // the failing attempt, then two that succeed after it
      await until("three renewal attempts", async () => (await inject.attempts()) >= 3);
      latch.open();
      expect((await a)?.outcome).toBe("succeeded");
    } finally {
      latch.open();
      await inject.drop();
    }
    expect(c.fake.runs).toEqual(["fence", "wait-replay", "promote", "rejoin", "verify"]);
  });

  it("renewals that keep failing stop the run before the lease could run out, writing nothing more", async () => {
    const c = await e.cluster();
    const latch = new Latch();
    c.fake.hooks.set("wait-replay", (ctx) => latch.wait(ctx.signal));
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
    const a = runOperationNow(e.t.sql, op.id, e.runnerOpts("worker-a", { leaseMs: 2_000, renewMs: 100 }));
    await until("worker A inside wait-replay", () => latch.entered === 1);
    const inject = await failRenewals(op.id, 1_000_000);
    try {
      expect((await a)?.outcome).toBe("lost");
      expect(await inject.attempts()).toBeGreaterThan(1);
    } finally {
      latch.open();
      await inject.drop();
    }
    expect(c.fake.runs).toEqual(["fence", "wait-replay"]);
    expect(await opRow(op.id)).toMatchObject({ status: "running", leaseOwner: "worker-a", finishedAt: null });
    expect((await stepRows(op.id)).map((s) => s.status)).toEqual(["ok", "running"]);
    await retire(op.id);
  });

  describe("LeaseKeeper (timers only)", () => {
    const keep = (renew: () => Promise<RenewResult>, leaseMs = 1_000) => {
      const lost: string[] = [];
      const k = new LeaseKeeper({ leaseMs, renewMs: 20, leaseSetAt: performance.now(), renew, onLost: (why) => lost.push(why), operationId: "test" });
      k.start();
      return { k, lost };
    };

    it("retries transient errors and keeps going while renewals succeed again", async () => {
      let n = 0;
      const { k, lost } = keep(async () => {
        n += 1;
        if (n <= 3) throw new Error("connection reset");
        return { ok: true };
      });
      await until("renewals after the errors", () => n >= 10);
      k.stop();
      expect(lost).toEqual([]);
    });

    it("gives up at once when the lease was taken, and before the lease runs out when renewals keep failing or hang", async () => {
      const taken = keep(async () => ({ ok: false, why: "another worker took the lease" }));
      await until("taken", () => taken.lost.length > 0);
      expect(taken.lost).toEqual(["another worker took the lease"]);

      const failing = keep(async () => {
        throw new Error("connection reset");
      }, 400);
      await until("failing gives up", () => failing.lost.length > 0);
      expect(failing.lost).toEqual([expect.stringMatching(/^the lease was not renewed for [\d.]+ s \(last error: connection reset\)/)]);

      const hanging = keep(() => new Promise<RenewResult>(() => undefined), 400);
      await until("hanging gives up", () => hanging.lost.length > 0);
      expect(hanging.lost).toEqual([expect.stringMatching(/^the lease was not renewed for [\d.]+ s and runs out soon$/)]);
    });
  });
});

describe("single flight per cluster", () => {
  it("a second runner that claims an expired lease finds the cluster lock held and gives the claim back untouched", async () => {
    const c = await e.cluster();
    const latch = new Latch();
    c.fake.hooks.set("fence", (ctx) => latch.wait(ctx.signal));
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
    // A renews rarely here (and its lease is long), so its lease can be made to look expired
    const a = runOperationNow(e.t.sql, op.id, e.runnerOpts("worker-a", { leaseMs: 120_000, renewMs: 60_000 }));
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

describe("one runner, many runs", () => {
  it("leaves no listener behind on its own signal: no MaxListenersExceededWarning after 15 sequential runs", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    const runner = new OperationRunner(e.t.sql, e.runnerOpts("worker-many"));
    try {
      const c = await e.cluster();
      for (let i = 0; i < 15; i++) {
        const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
        expect(await Promise.all(await runner.tick())).toEqual([{ operationId: op.id, outcome: "succeeded" }]);
        await e.observer.cycle();
      }
      // warnings are emitted on a later tick
      await sleep(50);
    } finally {
      process.off("warning", onWarning);
      await runner.drain(1_000);
    }
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
  });
});
