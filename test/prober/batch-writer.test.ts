/**
 * The batch writer on a real PostgreSQL: results, status, transitions and
 * outbox events in one transaction; the lease fence and the status
 * compare-and-set; rollup merge; day partitions created and dropped.
 */
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { componentStatus, events, healthTransitions, probeRollups } from "@/db/schema";
import { percentile } from "@/server/health/latency-histogram";
import type { ProbeResult } from "@/server/health/probe-types";
import { BatchWriter } from "@/server/health/prober/batch-writer";
import { dropPartitionsBefore, ensurePartitions, listPartitions } from "@/server/health/prober/partitions";
import { Batch, type CheckRecord, persistBatch } from "@/server/health/prober/persist";
import { applyResult, type Status, unknownStatus } from "@/server/health/state-machine";
import { pruneOnce } from "@/server/worker/retention";
import { testDb, type TestDb } from "../db";
import { makeComponent, makeService } from "./fixtures";

let t: TestDb;
let serviceId: string;
const W = "writer-test";

beforeAll(async () => {
  t = await testDb();
  serviceId = await makeService(t.db);
});
afterAll(async () => {
  await t.close();
});

const th = { unhealthyThreshold: 1, healthyThreshold: 1, degradedLatencyMs: null };

async function hold(shards: number[], owner = W) {
  await t.sql`update probe_shard_leases set owner = ${owner}, lease_until = now() + interval '1 minute' where shard = any(${shards}::int[])`;
}

/** A record for `result` applied to `prev`, as the prober builds it. */
function rec(id: string, shard: number, prev: Status, result: ProbeResult, at: number): CheckRecord {
  const outcome = applyResult(prev, th, result, { at, inMaintenance: false });
  return { componentId: id, serviceId, shard, at, scheduledAt: at - 3, doneAt: at + 5, result, prevState: prev.state, outcome, raw: true, touchLastChecked: true, maintenance: false };
}

const good: ProbeResult = { ok: true, latencyMs: 12, message: "status 200 OK" };
const bad: ProbeResult = { ok: false, latencyMs: 4, message: "connection refused" };

describe("persistBatch", () => {
  it("writes raw results, status, a transition and its events in one transaction", async () => {
    const id = await makeComponent(t.db, { serviceId, shard: 1 });
    await hold([1]);
    const now = Date.now();
    const batch = new Batch();
    const first = rec(id, 1, unknownStatus(), good, now - 1_000);
    batch.add(first);
    batch.add(rec(id, 1, first.outcome.status, bad, now));
    const out = await t.sql.begin((tx) => persistBatch(tx, batch, W));
    expect(out.rejected).toEqual([]);

    const raw = await t.sql<{ ok: boolean; late: number; worker_id: string }[]>`
      select ok, extract(epoch from at - scheduled_at) * 1000 as late, worker_id from probe_results where component_id = ${id} order by at`;
    expect(raw.map((r) => [r.ok, Number(r.late), r.worker_id])).toEqual([[true, 3, W], [false, 3, W]]);
    const [st] = await t.db.select().from(componentStatus).where(eq(componentStatus.componentId, id));
    expect(st).toMatchObject({ state: "unhealthy", lastOk: false, lastMessage: "connection refused", consecutiveFailures: 1, consecutiveSuccesses: 0 });
    expect(st!.lastCheckedAt!.getTime()).toBe(now);
    const tr = await t.db.select().from(healthTransitions).where(eq(healthTransitions.componentId, id)).orderBy(healthTransitions.id);
    expect(tr.map((x) => [x.fromState, x.toState, x.message])).toEqual([["unknown", "healthy", "status 200 OK"], ["healthy", "unhealthy", "connection refused"]]);
    const ev = (await t.db.select().from(events).orderBy(events.id)).filter((e) => e.payload.componentId === id);
    expect(ev.map((e) => `${e.topic}:${e.type}`)).toEqual(["health:health.signal", "health:health.signal", "health:degradation.entered"]);
    expect(ev[1]!.payload).toMatchObject({ componentId: id, serviceId, state: "unhealthy", ok: false, latencyMs: 4, message: "connection refused" });
  });

  it("a failure anywhere rolls back everything (one transaction)", async () => {
    const id = await makeComponent(t.db, { serviceId, shard: 2 });
    await hold([2]);
    const batch = new Batch();
    batch.add(rec(id, 2, unknownStatus(), good, Date.now()));
    await expect(
      t.sql.begin(async (tx) => {
        await persistBatch(tx, batch, W);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await t.sql`select 1 from probe_results where component_id = ${id}`).length).toBe(0);
    expect((await t.db.select().from(healthTransitions).where(eq(healthTransitions.componentId, id))).length).toBe(0);
    const [st] = await t.db.select().from(componentStatus).where(eq(componentStatus.componentId, id));
    expect(st?.state).toBe("unknown");
  });

  it("fence: status is not written for a shard this worker no longer holds (raw results are)", async () => {
    const id = await makeComponent(t.db, { serviceId, shard: 3 });
    await hold([3], "someone-else");
    const batch = new Batch();
    batch.add(rec(id, 3, unknownStatus(), good, Date.now()));
    await t.sql.begin((tx) => persistBatch(tx, batch, W));
    const [st] = await t.db.select().from(componentStatus).where(eq(componentStatus.componentId, id));
    expect(st?.state).toBe("unknown");
    expect((await t.sql`select 1 from probe_results where component_id = ${id}`).length).toBe(1);
    expect((await t.db.select().from(healthTransitions).where(eq(healthTransitions.componentId, id))).length).toBe(0);
  });

  it("compare-and-set: a status changed meanwhile (a pause) is not overwritten, and is reported for reload", async () => {
    const id = await makeComponent(t.db, { serviceId, shard: 4 });
    await hold([4]);
    await t.db.update(componentStatus).set({ state: "paused" }).where(eq(componentStatus.componentId, id));
    const batch = new Batch();
    batch.add(rec(id, 4, unknownStatus(), bad, Date.now()));
    const out = await t.sql.begin((tx) => persistBatch(tx, batch, W));
    expect(out.rejected).toEqual([id]);
    const [st] = await t.db.select().from(componentStatus).where(eq(componentStatus.componentId, id));
    expect(st?.state).toBe("paused");
    expect((await t.db.select().from(healthTransitions).where(eq(healthTransitions.componentId, id))).length).toBe(0);
  });

  it("rollups merge into an existing minute (checks, failures, histogram)", async () => {
    const id = await makeComponent(t.db, { serviceId, shard: 5 });
    const minute = Date.now() - (Date.now() % 60_000) - 120_000;
    const h1 = new Int32Array(40);
    h1[5] = 2;
    const h2 = new Int32Array(40);
    h2[5] = 1;
    h2[30] = 1;
    for (const [checks, failures, hist, maintenance] of [[2, 0, h1, false], [2, 1, h2, true]] as const) {
      const b = new Batch();
      b.rollups = [{ componentId: id, minute, checks, failures, hist, maintenance }];
      await t.sql.begin((tx) => persistBatch(tx, b, W));
    }
    const [row] = await t.db.select().from(probeRollups).where(eq(probeRollups.componentId, id));
    expect(row).toMatchObject({ checks: 4, failures: 1, maintenance: true });
    expect(row!.minute.getTime()).toBe(minute);
    expect(row!.hist.slice(0, 31).filter((x) => x > 0)).toEqual([3, 1]);
    expect(row!.hist[5]).toBe(3);
    expect(percentile(row!.hist, 50)).not.toBeNull();
  });
});

describe("BatchWriter", () => {
  it("buffers results and writes them on its timer; finished minutes become rollups", async () => {
    const ids = await Promise.all([0, 1, 2].map(() => makeComponent(t.db, { serviceId, shard: 6 })));
    await hold([6]);
    const w = new BatchWriter({ sql: t.sql, workerId: W, flushMs: 50 });
    w.start();
    const base = Date.now() - (Date.now() % 60_000) - 60_000; // the previous minute: finished
    const status = new Map(ids.map((id) => [id, unknownStatus()]));
    for (let i = 0; i < 30; i++) {
      const id = ids[i % 3]!;
      const r = rec(id, 6, status.get(id)!, i % 10 === 9 ? bad : { ...good, latencyMs: 10 + i }, base + i * 1_000);
      status.set(id, r.outcome.status);
      w.add(r);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(w.stats.results).toBe(30);
    const n = await t.sql<{ n: number }[]>`select count(*)::int as n from probe_results where component_id = any(${ids}::uuid[])`;
    expect(n[0]!.n).toBe(30);
    await w.stop();
    const rollups = await t.db.select().from(probeRollups).where(inArray(probeRollups.componentId, ids));
    expect(rollups.reduce((s, r) => s + r.checks, 0)).toBe(30);
    expect(rollups.reduce((s, r) => s + r.failures, 0)).toBe(3);
  });
});

describe("BatchWriter when the database refuses", () => {
  it("keeps a failed batch and writes it, in order, before newer ones", async () => {
    const id = await makeComponent(t.db, { serviceId, shard: 9 });
    await hold([9]);
    const w = new BatchWriter({ sql: t.sql, workerId: W, flushMs: 10_000 });
    const first = rec(id, 9, unknownStatus(), good, Date.now() - 2_000);
    w.add(first);
    await t.sql`alter table health_transitions rename to health_transitions_away`;
    try {
      expect(await w.flush()).toBe(false);
      expect(w.stats.lastError).toMatch(/health_transitions/);
    } finally {
      await t.sql`alter table health_transitions_away rename to health_transitions`;
    }
    w.add(rec(id, 9, first.outcome.status, bad, Date.now() - 1_000));
    expect(await w.flush()).toBe(true);
    const tr = await t.db.select().from(healthTransitions).where(eq(healthTransitions.componentId, id)).orderBy(healthTransitions.id);
    expect(tr.map((x) => `${x.fromState}>${x.toState}`)).toEqual(["unknown>healthy", "healthy>unhealthy"]);
    expect((await t.sql`select 1 from probe_results where component_id = ${id}`).length).toBe(2);
  });
});

describe("partitions and retention", () => {
  it("keeps day partitions ahead, and drops a day older than the raw retention (rollups older than theirs)", async () => {
    await ensurePartitions(t.sql, 3);
    const today = new Date();
    const day = (offset: number) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + offset)).toISOString().slice(0, 10).replaceAll("-", "");
    expect(await listPartitions(t.sql)).toEqual(expect.arrayContaining([day(0), day(1), day(2), day(3)]));

    // A partition for a day four days ago, with a row in it.
    const old = day(-4);
    const from = `${old.slice(0, 4)}-${old.slice(4, 6)}-${old.slice(6)}`;
    await t.sql.unsafe(`create table probe_results_${old} partition of probe_results for values from ('${from}T00:00:00Z') to ('${from}T00:00:00Z'::timestamptz + interval '1 day')`);
    const id = await makeComponent(t.db, { serviceId, shard: 7 });
    await t.sql`insert into probe_results (component_id, at, ok) values (${id}, ${from + "T12:00:00Z"}::timestamptz, true)`;
    // Rollups go by whole months: one in a month that ended long before the cutoff, one just inside it.
    await t.sql`select probe_rollups_ensure_partition(now() - interval '440 days'), probe_rollups_ensure_partition(now() - interval '399 days')`;
    await t.sql`insert into probe_rollups_1m (component_id, minute, checks, failures, hist) values (${id}, now() - interval '440 days', 1, 0, '{1}'), (${id}, now() - interval '399 days', 1, 0, '{1}')`;

    const r = await pruneOnce(t.sql, { rawRetentionHours: 48, rollupRetentionDays: 400 });
    expect(r).toMatchObject({ skipped: false, partitionsDropped: 1 });
    expect(r.rollupPartitionsDropped).toBeGreaterThanOrEqual(1);
    const left = await listPartitions(t.sql);
    expect(left).not.toContain(old);
    expect(left).toContain(day(0));
    expect((await t.db.select().from(probeRollups).where(eq(probeRollups.componentId, id))).length).toBe(1);
    // Nothing more to drop.
    expect(await dropPartitionsBefore(t.sql, new Date(Date.now() - 48 * 3_600_000))).toBe(0);
  });

  it("a missing day partition is created on demand by the writer", async () => {
    const id = await makeComponent(t.db, { serviceId, shard: 8 });
    const w = new BatchWriter({ sql: t.sql, workerId: W, flushMs: 10_000 });
    const today = new Date().toISOString().slice(0, 10).replaceAll("-", "");
    await t.sql.unsafe(`drop table if exists probe_results_${today}`);
    w.add(rec(id, 8, unknownStatus(), good, Date.now()));
    expect(await w.flush()).toBe(true);
    expect(await listPartitions(t.sql)).toContain(today);
    expect((await t.sql`select 1 from probe_results where component_id = ${id}`).length).toBe(1);
  });
});
