import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { systemActor } from "../core/actor";
import type { VerbCtx } from "../core/verb";
import { unsealClusterSecrets } from "../failover/cluster-secrets";
import { createCluster, updateCluster } from "../failover/cluster-verbs";
import { clusterConfigs, type ClusterAdapterName } from "../failover/schemas";
import { LAB_HOST } from "./sample-service";

export const LAB_PG_CLUSTER = "lab-pg";
export const LAB_REDIS_CLUSTER = "lab-redis";
/** the name the lab's sentinels monitor their master by */
export const LAB_REDIS_MASTER = "bulwark-lab";

export type LabPgTarget = {
  ports: { a: number; b: number; router: number; agent: number };
  password: string;
  agentToken: string;
};
export type LabRedisTarget = { sentinels: number[]; masterName: string };

type Desired = { name: string; description: string; adapter: ClusterAdapterName; config: Record<string, unknown> };

export function labPgCluster(pg: LabPgTarget): Desired {
  return {
    name: LAB_PG_CLUSTER,
    adapter: "postgres-streaming",
    description:
      "The demo lab's PostgreSQL pair (embedded, started by npm start). Its router always forwards to the primary and a writer commits sequential ids through it, so every switchover is measured on real writes.",
    config: {
      members: [
        { name: "a", host: LAB_HOST, port: pg.ports.a },
        { name: "b", host: LAB_HOST, port: pg.ports.b },
      ],
      database: "postgres",
      user: "postgres",
      password: pg.password,
      agentUrl: `http://${LAB_HOST}:${pg.ports.agent}`,
      agentToken: pg.agentToken,
      writeProbeUrl: `postgres://postgres:${encodeURIComponent(pg.password)}@${LAB_HOST}:${pg.ports.router}/postgres`,
    },
  };
}

export function labRedisCluster(redis: LabRedisTarget): Desired {
  return {
    name: LAB_REDIS_CLUSTER,
    adapter: "redis-sentinel",
    description: "The demo lab's Redis master and replica under three sentinels (started by npm start when redis-server and redis-sentinel are installed).",
    config: { sentinels: redis.sentinels.map((port) => ({ host: LAB_HOST, port })), masterName: redis.masterName, writeProbe: true },
  };
}

/** Key order does not matter when comparing configs. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : x,
  );

export type SeedClustersResult = { created: string[]; updated: string[]; skipped: string[]; failed: { name: string; error: string }[] };

/**
 * The lab's clusters, through the cluster verbs as the system actor `lab`
 * (audited like any other): created on the first start with the lab; later
 * starts update a row only when its ports or secrets no longer match what runs
 * (a port was taken, secrets.json was recreated). Name, description, service
 * and lag limit an admin changed are kept. A cluster of that name with another
 * adapter is someone else's: left alone.
 */
export async function seedLabClusters(db: Db, opts: { pg: LabPgTarget | null; redis: LabRedisTarget | null }): Promise<SeedClustersResult> {
  const ctx: VerbCtx = { actor: systemActor("lab"), db, requestId: null };
  const result: SeedClustersResult = { created: [], updated: [], skipped: [], failed: [] };
  const wanted = [opts.pg ? labPgCluster(opts.pg) : null, opts.redis ? labRedisCluster(opts.redis) : null].filter((d): d is Desired => d !== null);
  // one cluster failing (e.g. the Redis one) must not keep the other from being seeded
  for (const d of wanted) {
    try {
      await seedOne(ctx, d, result);
    } catch (err) {
      result.failed.push({ name: d.name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return result;
}

async function seedOne(ctx: VerbCtx, d: Desired, result: SeedClustersResult): Promise<void> {
  const db = ctx.db;
  const [row] = await db.execute<{ id: string; name: string; description: string; adapter: string; config: Record<string, unknown>; serviceId: string | null; maxLagBytes: number }>(sql`
    select id, name, description, adapter::text as adapter, config, service_id as "serviceId", max_lag_bytes::float8 as "maxLagBytes"
    from clusters where lower(name) = lower(${d.name})`);
  if (!row) {
    await createCluster({ ctx, input: d });
    result.created.push(d.name);
    return;
  }
  if (row.adapter !== d.adapter) {
    result.skipped.push(d.name);
    return;
  }
  const schema = clusterConfigs[d.adapter];
  let current: string | null = null;
  try {
    current = canonical(schema.parse(unsealClusterSecrets(row.config)));
  } catch {
    // unreadable (e.g. sealed with another key): rewrite it
  }
  if (current === canonical(schema.parse(d.config))) return;
  await updateCluster({
    ctx,
    input: { id: row.id, name: row.name, description: row.description, adapter: d.adapter, serviceId: row.serviceId, maxLagBytes: row.maxLagBytes, config: d.config },
  });
  result.updated.push(d.name);
}
