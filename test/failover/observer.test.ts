/**
 * The cluster observer on a real PostgreSQL: member rows upserted and
 * pruned, change events only on a change, the primary's last writable
 * moment kept, whole-cluster errors and timeouts, driver lifetime, and one
 * cycle at a time across workers. Observations come from the test-only fake
 * driver (fake-driver.ts); the real drivers have their own tests.
 */
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { advisoryLocks } from "@/db/advisory-locks";
import { clusterMembers, clusters, events } from "@/db/schema";
import { ClusterObserver } from "@/server/failover/observer";
import { type Engine, engine, streamingInput } from "./engine-fixtures";

let e: Engine;
beforeAll(async () => {
  e = await engine();
});
afterAll(async () => {
  await e.close();
});

const members = (id: string) => e.t.db.select().from(clusterMembers).where(eq(clusterMembers.clusterId, id)).orderBy(asc(clusterMembers.name));
const changes = async (id: string) => (await e.t.db.select().from(events).where(eq(events.topic, `cluster:${id}`))).filter((x) => x.type === "cluster.changed");
const clusterRow = async (id: string) => (await e.t.db.select().from(clusters).where(eq(clusters.id, id)))[0]!;

describe("cluster observer", () => {
  it("writes members, prunes vanished ones, and emits cluster.changed only when roles or health change", async () => {
    const c = await e.cluster([
      { name: "pg-a", role: "primary", position: "0/3000000" },
      { name: "pg-b", role: "standby", position: "0/2FFFF00", lagBytes: 256 },
      { name: "pg-c", role: "standby", position: "0/2000000" },
    ]);
    expect((await members(c.id)).map((m) => [m.name, m.role, m.healthy, m.position, m.lagBytes])).toEqual([
      ["pg-a", "primary", true, "0/3000000", null],
      ["pg-b", "standby", true, "0/2FFFF00", 256],
      ["pg-c", "standby", true, "0/2000000", 0],
    ]);
    expect((await clusterRow(c.id)).observeError).toBeNull();
    expect(await changes(c.id)).toHaveLength(1);

    // positions move every second: no event for that
    c.fake.members[1]!.position = "0/3000000";
    await e.observer.cycle();
    await e.observer.cycle();
    expect(await changes(c.id)).toHaveLength(1);
    expect((await members(c.id))[1]!.position).toBe("0/3000000");

    c.fake.members.pop();
    c.fake.members[1]!.healthy = false;
    await e.observer.cycle();
    expect((await members(c.id)).map((m) => m.name)).toEqual(["pg-a", "pg-b"]);
    expect(await changes(c.id)).toHaveLength(2);
  });

  it("keeps when the primary was last seen writable and where it was, after it goes down", async () => {
    const c = await e.cluster();
    const [first] = await members(c.id);
    const seen = first!.details.lastWritableAt as string;
    expect(first!.details).toMatchObject({ writable: true, lastPrimaryPosition: "0/3000100" });
    expect(Date.parse(seen)).toBeGreaterThan(Date.now() - 10_000);
    c.fake.members[0] = { name: "pg-a", role: "down", healthy: false, position: null };
    await new Promise((r) => setTimeout(r, 20));
    await e.observer.cycle();
    const [down] = await members(c.id);
    expect(down).toMatchObject({ role: "down", healthy: false, position: null });
    expect(down!.details).toMatchObject({ writable: false, lastWritableAt: seen, lastPrimaryPosition: "0/3000100" });
    const last = (await changes(c.id)).at(-1)!;
    expect(last.payload).toEqual({ clusterId: c.id, primary: null });
  });

  it("records a whole-cluster error and a timeout without touching the members", async () => {
    const c = await e.cluster();
    c.fake.observeError = "no member reachable";
    await e.observer.cycle();
    expect((await clusterRow(c.id)).observeError).toBe("no member reachable");
    expect(await members(c.id)).toHaveLength(2);
    c.fake.observeError = null;
    c.fake.observeHangs = true;
    await e.observer.cycle();
    expect((await clusterRow(c.id)).observeError).toMatch(/no answer within 500 ms|aborted|timeout/i);
    c.fake.observeHangs = false;
    // the hung call is still pending: the next cycle does not pile another onto it
    await e.observer.cycle();
    expect((await clusterRow(c.id)).observeError).toMatch(/previous observation has not finished/);
  });

  it("keeps one driver per cluster, rebuilt when the cluster is edited and closed when it is deleted", async () => {
    const c = await e.cluster();
    await e.observer.cycle();
    expect(c.fake.closed).toBe(0);
    await e.as(e.admin).update({ ...streamingInput(c.name), id: c.id, description: "edited" } as never);
    await e.observer.cycle();
    expect(c.fake.closed).toBe(1);
    await e.as(e.admin).delete({ id: c.id });
    await e.observer.cycle();
    expect(c.fake.closed).toBe(2);
  });

  it("runs one cycle at a time across workers", async () => {
    const other = await e.t.sql.reserve();
    try {
      await other`select pg_advisory_lock(${advisoryLocks.clusterObserver})`;
      const second = new ClusterObserver(e.t.sql, { driverFor: e.registry.driverFor });
      expect(await second.cycle()).toMatchObject({ skipped: true });
      await other`select pg_advisory_unlock(${advisoryLocks.clusterObserver})`;
      expect((await second.cycle()).skipped).toBe(false);
      await second.close();
    } finally {
      other.release();
    }
  });
});
