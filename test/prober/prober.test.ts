/**
 * One worker's prober end to end on a real PostgreSQL and real loopback HTTP
 * targets: thresholds and events, a hanging target, live pick-up of changes
 * (LISTEN), pause, maintenance, and push heartbeats.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { componentStatus, components, events, healthTransitions, maintenanceWindows, probeRollups } from "@/db/schema";
import { recordPushBeat } from "@/server/health/prober/push";
import { testDb, type TestDb } from "../db";
import { makeComponent, makeService, sleep, startTarget, startWorker, type Target, type TestWorker, until } from "./fixtures";

let t: TestDb;
let target: Target;
let worker: TestWorker;
let serviceId: string;

beforeAll(async () => {
  t = await testDb();
  target = await startTarget();
  serviceId = await makeService(t.db);
  worker = await startWorker(t.url, { leaseMs: 1_500 });
});
afterAll(async () => {
  await worker.stop();
  await target.close();
  await t.close();
});

const state = async (id: string) => (await t.db.select().from(componentStatus).where(eq(componentStatus.componentId, id)))[0];
const announce = (type: string, componentId: string) => t.sql`insert into events (type, topic, payload) values (${type}, 'health', ${JSON.stringify({ componentId })}::text::jsonb)`;

/** A component created the way the create verb leaves it (row + status + outbox event), which the prober picks up by LISTEN. */
async function create(key: string, o: Partial<Parameters<typeof makeComponent>[1]> = {}) {
  const id = await makeComponent(t.db, { serviceId, intervalMs: 1_000, timeoutMs: 400, config: { url: target.url(key) }, ...o });
  await announce("component.created", id);
  return id;
}

describe("the prober", () => {
  it("picks a new component up within a second of its event, and marks it healthy", async () => {
    const created = Date.now();
    const id = await create("fresh");
    await until(async () => (await state(id))?.state === "healthy", 5_000, "healthy");
    // The first check is at the component's next phase slot: within one interval (+ the write).
    expect(target.hits.get("fresh")![0]! - created).toBeLessThan(1_000 + 300);
  });

  it("turns unhealthy after the threshold with a transition and events, and recovers after healthyThreshold successes", async () => {
    const id = await create("flaky", { unhealthyThreshold: 2, healthyThreshold: 2 });
    await until(async () => (await state(id))?.state === "healthy", 5_000, "healthy");
    target.behave.set("flaky", { status: 500 });
    await until(async () => (await state(id))?.state === "unhealthy", 5_000, "unhealthy");
    const st = await state(id);
    expect(st).toMatchObject({ lastOk: false, lastMessage: expect.stringContaining("status 500"), lastDetails: { status: 500 } });
    expect(st!.consecutiveFailures).toBeGreaterThanOrEqual(2);
    target.behave.delete("flaky");
    await until(async () => (await state(id))?.state === "healthy", 6_000, "recovered");
    const tr = await t.db.select().from(healthTransitions).where(eq(healthTransitions.componentId, id)).orderBy(healthTransitions.id);
    expect(tr.map((r) => `${r.fromState}>${r.toState}`)).toEqual(["unknown>healthy", "healthy>unhealthy", "unhealthy>healthy"]);
    expect(tr[1]!.cause).toBe("2 consecutive failures");
    expect(tr[1]!.message).toContain("status 500");
    const ev = (await t.db.select().from(events).where(eq(events.topic, "health")).orderBy(events.id)).filter((e) => e.payload.componentId === id);
    const types = ev.map((e) => e.type);
    expect(types.filter((x) => x === "degradation.entered")).toHaveLength(1);
    expect(types.filter((x) => x === "degradation.recovered")).toHaveLength(1);
    // A signal for each change (first result, ok flips, the state changes) — and none for a repeat.
    const signals = async () => (await t.db.select().from(events).where(eq(events.type, "health.signal"))).filter((e) => e.payload.componentId === id).length;
    const count = async () => (await t.sql<{ n: number }[]>`select count(*)::int as n from probe_results where component_id = ${id}`)[0]!.n;
    const [s0, c0] = [await signals(), await count()];
    expect(s0).toBeGreaterThanOrEqual(4);
    await sleep(2_200);
    expect(await count()).toBeGreaterThan(c0);
    expect(await signals()).toBe(s0);
  });

  it("a hanging target times out on its own, never overlaps itself, and does not delay the others", async () => {
    const hang = await create("hang", { timeoutMs: 300, unhealthyThreshold: 1 });
    target.behave.set("hang", { delayMs: 30_000 });
    const others = await Promise.all(Array.from({ length: 20 }, (_, i) => create(`quick-${i}`)));
    await until(async () => (await state(hang))?.state === "unhealthy", 5_000, "the hanging target to be unhealthy");
    await sleep(2_000);
    const st = await state(hang);
    expect(st!.lastMessage).toMatch(/timed out after 300 ms/);
    const [late] = await t.sql<{ p99: number }[]>`
      select percentile_cont(0.99) within group (order by extract(epoch from at - scheduled_at) * 1000) as p99
      from probe_results where component_id = any(${others}::uuid[])`;
    expect(late!.p99).toBeLessThan(150);
    expect(worker.prober.scheduler.stats().overlapSkips).toBe(0);
  });

  it("a paused component is not probed and its paused status is not overwritten", async () => {
    const id = await create("pausable");
    await until(async () => (await state(id))?.state === "healthy", 5_000, "healthy");
    // What the pause verb does: flag, status, event, in one transaction.
    await t.sql.begin(async (tx) => {
      await tx`update components set paused = true, updated_at = now() where id = ${id}`;
      await tx`update component_status set state = 'paused', state_since = now() where component_id = ${id}`;
      await tx`insert into events (type, topic, payload) values ('component.updated', 'health', ${JSON.stringify({ componentId: id })}::text::jsonb)`;
    });
    await sleep(600);
    const hits = target.hits.get("pausable")!.length;
    await sleep(2_000);
    expect(target.hits.get("pausable")!.length).toBe(hits);
    expect((await state(id))?.state).toBe("paused");
    // Resume: unknown, then the next check decides.
    await t.sql.begin(async (tx) => {
      await tx`update components set paused = false, updated_at = now() where id = ${id}`;
      await tx`update component_status set state = 'unknown', state_since = now(), consecutive_failures = 0, consecutive_successes = 0 where component_id = ${id}`;
      await tx`insert into events (type, topic, payload) values ('component.updated', 'health', ${JSON.stringify({ componentId: id })}::text::jsonb)`;
    });
    await until(async () => (await state(id))?.state === "healthy", 5_000, "healthy after resume");
  });

  it("an edit (new URL) takes effect at once", async () => {
    const id = await create("old-url");
    await until(async () => target.hits.has("old-url"), 5_000, "the old URL probed");
    await t.sql`update components set config = ${JSON.stringify({ url: target.url("new-url") })}::text::jsonb, updated_at = now() where id = ${id}`;
    await announce("component.updated", id);
    await until(async () => target.hits.has("new-url"), 3_000, "the new URL probed");
  });

  it("a maintenance window shows maintenance, keeps checking, raises no degradation, and marks its rollup minutes", async () => {
    const id = await create("maint", { unhealthyThreshold: 1 });
    await until(async () => (await state(id))?.state === "healthy", 5_000, "healthy");
    await t.db.insert(maintenanceWindows).values({ componentId: id, startsAt: new Date(Date.now() - 1_000), endsAt: new Date(Date.now() + 60 * 60_000), reason: "upgrade", createdBy: "test" });
    await announce("maintenance.changed", id);
    target.behave.set("maint", { status: 503 });
    await until(async () => (await state(id))?.state === "maintenance", 5_000, "maintenance");
    await sleep(1_500);
    const st = await state(id);
    expect(st).toMatchObject({ state: "maintenance", lastOk: false });
    const entered = (await t.db.select().from(events).where(eq(events.type, "degradation.entered"))).filter((e) => e.payload.componentId === id);
    expect(entered).toHaveLength(0);
    // Rollups of this component's minutes are marked (written when a minute closes, or at stop).
    await worker.prober.writer.flush({ allRollups: true });
    const rollups = await t.db.select().from(probeRollups).where(and(eq(probeRollups.componentId, id), eq(probeRollups.maintenance, true)));
    expect(rollups.length).toBeGreaterThan(0);
    target.behave.delete("maint");
  });
});

describe("push components", () => {
  it("a beat makes it healthy; missing beats past interval + grace make it unhealthy; a beat recovers it", async () => {
    const id = await makeComponent(t.db, { serviceId, kind: "push", config: { graceMs: 200 }, intervalMs: 1_000, timeoutMs: 500, unhealthyThreshold: 1, healthyThreshold: 1 });
    await announce("component.created", id);
    const beatAt = Date.now();
    expect(await recordPushBeat(t.db, id)).toEqual({ state: "healthy" });
    expect((await state(id))?.state).toBe("healthy");
    await until(async () => (await state(id))?.state === "unhealthy", 5_000, "unhealthy after a missed beat");
    expect(Date.now() - beatAt).toBeGreaterThanOrEqual(1_200);
    const st = await state(id);
    expect(st!.lastMessage).toMatch(/^no heartbeat since /);
    // The last beat is kept as last_checked_at.
    expect(Math.abs(st!.lastCheckedAt!.getTime() - beatAt)).toBeLessThan(50);
    expect((await recordPushBeat(t.db, id))?.state).toBe("healthy");
    const tr = await t.db.select().from(healthTransitions).where(eq(healthTransitions.componentId, id)).orderBy(healthTransitions.id);
    expect(tr.map((r) => `${r.fromState}>${r.toState}`)).toEqual(["unknown>healthy", "healthy>unhealthy", "unhealthy>healthy"]);
  });

  it("a paused or unknown push component ignores beats (the route answers 409 / 404)", async () => {
    const id = await makeComponent(t.db, { serviceId, kind: "push", paused: true });
    expect(await recordPushBeat(t.db, id)).toBeNull();
    const http = await makeComponent(t.db, { serviceId, kind: "http" });
    expect(await recordPushBeat(t.db, http)).toBeNull();
    await t.db.delete(components).where(eq(components.id, http));
  });
});
