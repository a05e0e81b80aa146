/**
 * Seeding the lab's clusters through the cluster verbs: once, audited as the
 * system actor lab, secrets sealed; later starts change a row only when ports
 * or secrets no longer match, keeping what an admin edited.
 */
import { eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, clusters } from "@/db/schema";
import { isSealed } from "@/server/crypto/secrets";
import { unsealClusterSecrets } from "@/server/failover/cluster-secrets";
import { LAB_PG_CLUSTER, LAB_REDIS_CLUSTER, seedLabClusters, type LabPgTarget } from "@/server/lab/seed-lab-cluster";
import { testDb, type TestDb } from "../db";

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t.close();
});

const pg: LabPgTarget = { ports: { a: 42001, b: 42002, router: 42003, agent: 42004 }, password: "pair-pass-word", agentToken: "agent-token-0123456789" };
const redis = { sentinels: [42010, 42011, 42012], masterName: "bulwark-lab" };
const row = async (name: string) => (await t.db.select().from(clusters).where(eq(clusters.name, name)))[0];
const clusterAudits = () => t.db.select().from(auditLog).where(like(auditLog.action, "cluster.%"));

describe("seedLabClusters", () => {
  it("creates lab-pg and lab-redis as the system actor lab, with secrets sealed", async () => {
    expect(await seedLabClusters(t.db, { pg, redis })).toEqual({ created: [LAB_PG_CLUSTER, LAB_REDIS_CLUSTER], updated: [], skipped: [], failed: [] });
    const p = await row(LAB_PG_CLUSTER);
    expect(p?.adapter).toBe("postgres-streaming");
    for (const f of ["password", "agentToken", "writeProbeUrl"]) expect(isSealed(p?.config[f])).toBe(true);
    expect(unsealClusterSecrets(p!.config)).toMatchObject({
      members: [
        { name: "a", host: "127.0.0.1", port: 42001 },
        { name: "b", host: "127.0.0.1", port: 42002 },
      ],
      user: "postgres",
      password: pg.password,
      agentUrl: "http://127.0.0.1:42004",
      agentToken: pg.agentToken,
      writeProbeUrl: "postgres://postgres:pair-pass-word@127.0.0.1:42003/postgres",
    });
    expect((await row(LAB_REDIS_CLUSTER))?.config).toMatchObject({ masterName: "bulwark-lab", sentinels: [{ port: 42010 }, { port: 42011 }, { port: 42012 }] });
    const audits = await clusterAudits();
    expect(audits.map((a) => [a.action, a.actorLabel])).toEqual([
      ["cluster.create", "lab"],
      ["cluster.create", "lab"],
    ]);
  });

  it("changes nothing when nothing moved", async () => {
    expect(await seedLabClusters(t.db, { pg, redis })).toEqual({ created: [], updated: [], skipped: [], failed: [] });
    expect(await clusterAudits()).toHaveLength(2);
  });

  it("follows moved ports and a new agent token, keeping the description an admin edited", async () => {
    await t.db.update(clusters).set({ description: "edited by an admin" }).where(eq(clusters.name, LAB_PG_CLUSTER));
    const moved = { ...pg, ports: { ...pg.ports, router: 42099 }, agentToken: "another-agent-token-9876" };
    expect(await seedLabClusters(t.db, { pg: moved, redis })).toEqual({ created: [], updated: [LAB_PG_CLUSTER], skipped: [], failed: [] });
    const p = await row(LAB_PG_CLUSTER);
    expect(p?.description).toBe("edited by an admin");
    expect(unsealClusterSecrets(p!.config)).toMatchObject({ agentToken: moved.agentToken, writeProbeUrl: "postgres://postgres:pair-pass-word@127.0.0.1:42099/postgres" });
    expect((await clusterAudits()).map((a) => a.action)).toContain("cluster.update");
  });

  it("leaves a cluster with the lab's name but another adapter alone, and seeds no Redis cluster without Redis", async () => {
    await t.db.delete(clusters).where(eq(clusters.name, LAB_REDIS_CLUSTER));
    await t.db.update(clusters).set({ adapter: "patroni", config: { apiUrls: ["http://127.0.0.1:8008"] } }).where(eq(clusters.name, LAB_PG_CLUSTER));
    expect(await seedLabClusters(t.db, { pg, redis: null })).toEqual({ created: [], updated: [], skipped: [LAB_PG_CLUSTER], failed: [] });
    expect(await row(LAB_REDIS_CLUSTER)).toBeUndefined();
  });
});
