/**
 * Two real workers on one database, probing real HTTP targets on 127.0.0.1
 * that count hits per component: the fleet is shared (half each after a
 * handover), no component is ever probed twice in one interval, and when one
 * worker is killed the other takes its shards over within one lease period.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHARDS } from "@/server/health/prober/leases";
import { testDb, type TestDb } from "../db";
import { makeComponent, makeService, owners, sleep, startTarget, startWorker, type Target, type TestWorker, until } from "./fixtures";

const INTERVAL = 1_000;
const LEASE = 1_500;
/** two probes of one component closer than this would be two in one interval (lateness allowed for) */
const MIN_GAP = INTERVAL - 250;

let t: TestDb;
let target: Target;
let ids: string[] = [];
const workers: TestWorker[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  t = await testDb();
  target = await startTarget();
  const serviceId = await makeService(t.db);
  ids = [];
  for (let i = 0; i < 200; i++) {
    const id = await makeComponent(t.db, { serviceId, intervalMs: INTERVAL, timeoutMs: 500, config: { url: "http://127.0.0.1:9/" } });
    ids.push(id);
  }
  // Each component probes its own path, so the target can count hits per component.
  await t.sql`update components set config = jsonb_build_object('url', ${target.url("")} || id::text)`;
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await Promise.all(workers.map((w) => w.stop().catch(() => undefined)));
  await target.close();
  await t.close();
});

async function reset(): Promise<void> {
  await t.sql`update probe_shard_leases set owner = null, lease_until = 'epoch'`;
  await t.sql`delete from worker_heartbeats`;
  target.hits.clear();
}

/**
 * The smallest gap between consecutive hits of one component at the target.
 * Each component's first hit is left out: it opens a connection, and in the
 * opening burst its arrival can lag its start by hundreds of ms (the probe
 * start times in probe_results are checked exactly, below).
 */
function smallestGap(): { gap: number; id: string | null; probes: number } {
  let gap = Infinity;
  let worst: string | null = null;
  let probes = 0;
  for (const [id, times] of target.hits) {
    probes += times.length;
    for (let i = 2; i < times.length; i++) {
      const g = times[i]! - times[i - 1]!;
      if (g < gap) {
        gap = g;
        worst = id;
      }
    }
  }
  return { gap, id: worst, probes };
}

/** The smallest gap between consecutive recorded probe starts of one component. */
async function smallestRecordedGap(): Promise<number> {
  const [row] = await t.sql<{ gap: number | null }[]>`
    select min(g)::float8 as gap from (
      select extract(epoch from at - lag(at) over (partition by component_id order by at)) * 1000 as g from probe_results) x`;
  return row!.gap ?? Infinity;
}

async function duplicateSlots(): Promise<number> {
  const [row] = await t.sql<{ n: number }[]>`
    select count(*)::int as n from (
      select component_id, scheduled_at from probe_results group by 1, 2 having count(*) > 1) d`;
  return row!.n;
}

const shardCounts = async () => {
  const out: Record<string, number> = {};
  for (const o of (await owners(t.sql)).values()) if (o) out[o] = (out[o] ?? 0) + 1;
  return out;
};

describe("two workers on one database", () => {
  it("share the fleet and never probe one component twice in an interval (including the handover)", { timeout: 60_000 }, async () => {
    await reset();
    const a = await startWorker(t.url, { leaseMs: LEASE });
    workers.push(a);
    await until(async () => (await shardCounts())[a.id] === SHARDS, 5_000, "worker A to hold every shard");
    await sleep(2_500);
    const b = await startWorker(t.url, { leaseMs: LEASE });
    workers.push(b);
    await until(async () => {
      const c = await shardCounts();
      return c[a.id] === SHARDS / 2 && c[b.id] === SHARDS / 2;
    }, 10_000, "the shards to split 32/32");
    await sleep(4_000);
    await Promise.all([a.stop(), b.stop()]);

    const { gap, id, probes } = smallestGap();
    expect(probes).toBeGreaterThan(ids.length * 6);
    expect(target.hits.size).toBe(ids.length);
    expect(gap, `component ${id} was probed twice ${gap} ms apart`).toBeGreaterThanOrEqual(MIN_GAP);
    expect(await smallestRecordedGap()).toBeGreaterThanOrEqual(MIN_GAP);
    expect(await duplicateSlots()).toBe(0);
    // Every probe the target saw was recorded (a graceful stop writes everything).
    const [rows] = await t.sql<{ n: number }[]>`select count(*)::int as n from probe_results`;
    expect(rows!.n).toBe(probes);
    const byWorker = await t.sql<{ worker_id: string; n: number }[]>`select worker_id, count(*)::int as n from probe_results group by 1`;
    expect(byWorker.map((r) => r.worker_id).sort()).toEqual([a.id, b.id].sort());
    // Status and rollups were written for every component.
    const [st] = await t.sql<{ n: number }[]>`select count(*)::int as n from component_status where state = 'healthy' and last_checked_at > now() - interval '10 seconds'`;
    expect(st!.n).toBe(ids.length);
    const [ru] = await t.sql<{ checks: number }[]>`select sum(checks)::int as checks from probe_rollups_1m`;
    expect(ru!.checks).toBe(probes);
  });

  it("when a worker process is killed, the other takes its shards over within one lease period, without double probes", { timeout: 90_000 }, async () => {
    await reset();
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("server/worker/main.ts")], {
      env: {
        ...process.env,
        DATABASE_URL: t.url,
        BULWARK_SKIP_MIGRATIONS: "1",
        BULWARK_LEASE_MS: String(LEASE),
        BULWARK_HEARTBEAT_MS: "500",
        BULWARK_WORKER_STALE_MS: "2000",
        BULWARK_PROBER_FLUSH_MS: "200",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(child);
    const childId = await until(async () => {
      const rows = await t.sql<{ worker_id: string }[]>`select worker_id from worker_heartbeats where pid = ${child.pid!} and status = 'running'`;
      return rows[0]?.worker_id;
    }, 30_000, "the worker process to start");
    await until(async () => (await shardCounts())[childId] === SHARDS, 10_000, "the worker process to hold every shard");
    const b = await startWorker(t.url, { leaseMs: LEASE });
    workers.push(b);
    await until(async () => {
      const c = await shardCounts();
      return c[childId] === SHARDS / 2 && c[b.id] === SHARDS / 2;
    }, 15_000, "the shards to split 32/32");
    await sleep(2_000);

    const killedAt = Date.now();
    child.kill("SIGKILL");
    const takenAt = await until(async () => ((await shardCounts())[b.id] === SHARDS ? Date.now() : 0), 10_000, "the survivor to hold every shard", 20);
    // Polled every 20 ms: allow that much on top of the lease.
    expect(takenAt - killedAt).toBeLessThanOrEqual(LEASE + 100);

    // Every component is probed again, by the survivor.
    await sleep(2_500);
    const since = new Date(takenAt + INTERVAL + 100).toISOString();
    const [row] = await t.sql<{ n: number }[]>`select count(distinct component_id)::int as n from probe_results where at > ${since}::timestamptz and worker_id = ${b.id}`;
    expect(row!.n).toBe(ids.length);
    await b.stop();

    // The killed worker's last unwritten results are lost, so the target's count is the judge across the kill.
    const { gap, id } = smallestGap();
    expect(gap, `component ${id} was probed twice ${gap} ms apart`).toBeGreaterThanOrEqual(MIN_GAP);
    expect(await smallestRecordedGap()).toBeGreaterThanOrEqual(MIN_GAP);
    expect(await duplicateSlots()).toBe(0);
  });
});
