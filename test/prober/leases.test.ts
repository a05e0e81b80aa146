/**
 * Shard leases with two in-process lease managers on one database: claiming,
 * fair shares, handing surplus over, and taking over a dead worker's shards.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LeaseManager, SHARDS } from "@/server/health/prober/leases";
import { beat, type WorkerIdentity } from "@/server/worker/heartbeat";
import { testDb, type TestDb } from "../db";
import { owners, sleep } from "./fixtures";

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await t.sql`update probe_shard_leases set owner = null, lease_until = 'epoch'`;
  await t.sql`delete from worker_heartbeats`;
});

const LEASE = 1_200;
const identity = (workerId: string): WorkerIdentity => ({ workerId, hostname: "test", pid: 1, version: "test", startedAt: new Date() });
const heartbeat = (id: string, loops: string[] = ["prober"]) =>
  beat(t.sql, identity(id), "running", Object.fromEntries(loops.map((l) => [l, { state: "active", lastRunAt: null, lastError: null, runs: 0 }])));
const manager = (id: string) => new LeaseManager({ sql: t.sql, workerId: id, leaseMs: LEASE, staleMs: 5_000 });

function counts(m: Map<number, string | null>) {
  const out: Record<string, number> = {};
  for (const o of m.values()) if (o) out[o] = (out[o] ?? 0) + 1;
  return out;
}

describe("LeaseManager", () => {
  it("a lone worker claims every shard and renews them", async () => {
    await heartbeat("a");
    const a = manager("a");
    const first = await a.tick();
    expect(first.gained.length).toBe(SHARDS);
    expect(first.liveWorkers).toBe(1);
    expect(a.isValid(0)).toBe(true);
    const second = await a.tick();
    expect([second.gained, second.lost, second.surplus]).toEqual([[], [], []]);
    expect(counts(await owners(t.sql))).toEqual({ a: SHARDS });
  });

  it("a second worker gets half the fleet: the first offers its surplus, the second claims it", async () => {
    await heartbeat("a");
    const a = manager("a");
    await a.tick();
    await heartbeat("b");
    const b = manager("b");
    expect((await b.tick()).gained).toEqual([]); // nothing free yet
    const offer = await a.tick();
    expect(offer.liveWorkers).toBe(2);
    expect(offer.surplus.length).toBe(SHARDS / 2);
    await a.release(offer.surplus);
    expect(a.owned().length).toBe(SHARDS / 2);
    expect((await b.tick()).gained.length).toBe(SHARDS / 2);
    expect(counts(await owners(t.sql))).toEqual({ a: SHARDS / 2, b: SHARDS / 2 });
    // Balanced: nobody offers anything more.
    expect((await a.tick()).surplus).toEqual([]);
    expect((await b.tick()).surplus).toEqual([]);
  });

  it("two workers starting together split the free shards without overlap (SKIP LOCKED)", async () => {
    await Promise.all([heartbeat("a"), heartbeat("b")]);
    const [ra, rb] = await Promise.all([manager("a").tick(), manager("b").tick()]);
    const both = [...ra.gained, ...rb.gained];
    expect(new Set(both).size).toBe(both.length);
    expect(ra.gained.length).toBe(SHARDS / 2);
    expect(rb.gained.length).toBe(SHARDS / 2);
  });

  it("workers without a prober loop do not count", async () => {
    await heartbeat("a");
    await heartbeat("web-only", ["heartbeat", "retention"]);
    const r = await manager("a").tick();
    expect(r.liveWorkers).toBe(1);
    expect(r.gained.length).toBe(SHARDS);
  });

  it("a dead worker's shards are claimed within one lease period, all of them, by a survivor", async () => {
    await Promise.all([heartbeat("a"), heartbeat("b")]);
    const a = manager("a");
    const b = manager("b");
    await Promise.all([a.tick(), b.tick()]);
    const deadAt = Date.now();
    // a dies: it stops renewing (its heartbeat still looks fresh for a while).
    a.forget();
    let takenAt = 0;
    const offered: number[] = [];
    while (Date.now() - deadAt < LEASE * 2) {
      offered.push(...(await b.tick()).surplus);
      if (b.owned().length === SHARDS) {
        takenAt = Date.now();
        break;
      }
      await sleep(b.renewEveryMs);
    }
    expect(takenAt).toBeGreaterThan(0);
    expect(takenAt - deadAt).toBeLessThanOrEqual(LEASE + 100);
    // The dead worker is not offered its shards back while its heartbeat lingers.
    offered.push(...(await b.tick()).surplus);
    expect(offered).toEqual([]);
  });

  it("a worker that cannot renew stops treating its shards as held before anyone else may claim them", async () => {
    await heartbeat("a");
    const a = manager("a");
    await a.tick();
    const renewedAt = Date.now();
    const expiry = await t.sql<{ ms: number }[]>`select (extract(epoch from min(lease_until)) * 1000)::float8 as ms from probe_shard_leases where owner = 'a'`;
    while (a.isValid(0)) await sleep(10);
    const invalidAt = Date.now();
    expect(invalidAt).toBeLessThan(expiry[0]!.ms);
    expect(invalidAt - renewedAt).toBeLessThan(LEASE);
  });

  it("release frees shards at once; the releaser's local view drops them", async () => {
    await heartbeat("a");
    const a = manager("a");
    await a.tick();
    await a.release([0, 1, 2]);
    expect(a.isValid(1)).toBe(false);
    const m = await owners(t.sql);
    expect([m.has(0), m.has(3)]).toEqual([false, true]);
    const rows = await t.sql<{ owner: string | null }[]>`select owner from probe_shard_leases where shard = 1`;
    expect(rows[0]!.owner).toBeNull();
  });
});
