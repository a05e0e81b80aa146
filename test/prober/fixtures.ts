/**
 * Helpers for the prober tests: components inserted directly (fixtures, not
 * the behaviour under test), loopback HTTP targets that count hits per path,
 * and in-process "workers" (a Prober with its own pool and heartbeat).
 */
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import postgres, { type Sql } from "postgres";
import { componentStatus, components, services } from "@/db/schema";
import type { Db } from "@/db/client";
import { Prober, type ProberOptions } from "@/server/health/prober/prober";
import { shardFor } from "@/server/health/shard";
import { beat, type WorkerIdentity } from "@/server/worker/heartbeat";

export async function makeService(db: Db, name = `svc-${randomBytes(3).toString("hex")}`): Promise<string> {
  const [row] = await db.insert(services).values({ name }).returning({ id: services.id });
  return row!.id;
}

export type ComponentOpts = {
  serviceId: string;
  kind?: "http" | "tcp" | "push";
  config?: Record<string, unknown>;
  intervalMs?: number;
  timeoutMs?: number;
  unhealthyThreshold?: number;
  healthyThreshold?: number;
  degradedLatencyMs?: number | null;
  paused?: boolean;
  /** force a shard (else derived from the id, as the create verb does) */
  shard?: number;
};

export async function makeComponent(db: Db, o: ComponentOpts): Promise<string> {
  const id = randomUUID();
  await db.insert(components).values({
    id,
    serviceId: o.serviceId,
    name: `c-${id.slice(0, 8)}`,
    kind: o.kind ?? "http",
    config: o.config ?? { url: "http://127.0.0.1:9/" },
    intervalMs: o.intervalMs ?? 1_000,
    timeoutMs: o.timeoutMs ?? 500,
    unhealthyThreshold: o.unhealthyThreshold ?? 2,
    healthyThreshold: o.healthyThreshold ?? 2,
    degradedLatencyMs: o.degradedLatencyMs ?? null,
    paused: o.paused ?? false,
    shard: o.shard ?? shardFor(id),
  });
  await db.insert(componentStatus).values({ componentId: id });
  return id;
}

/** A loopback HTTP server: `/<key>` answers 200 (or what `behave` says) and every hit is timed per path. */
export type Target = {
  url: (key: string) => string;
  hits: Map<string, number[]>;
  behave: Map<string, { status?: number; delayMs?: number }>;
  close: () => Promise<void>;
};

export async function startTarget(): Promise<Target> {
  const hits = new Map<string, number[]>();
  const behave = new Map<string, { status?: number; delayMs?: number }>();
  const server = http.createServer((req, res) => {
    const key = (req.url ?? "/").slice(1);
    const list = hits.get(key);
    if (list) list.push(Date.now());
    else hits.set(key, [Date.now()]);
    const b = behave.get(key) ?? {};
    const answer = () => {
      res.writeHead(b.status ?? 200, { "content-type": "text/plain" });
      res.end("ok");
    };
    if (b.delayMs) setTimeout(answer, b.delayMs);
    else answer();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (key) => `http://127.0.0.1:${port}/${key}`,
    hits,
    behave,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** An in-process worker: its own pool, a Prober, and a heartbeat that names the prober loop (so others count it). */
export type TestWorker = { id: string; sql: Sql; prober: Prober; stop: () => Promise<void>; kill: () => Promise<void> };

export async function startWorker(url: string, opts: Partial<ProberOptions> & { heartbeatMs?: number } = {}): Promise<TestWorker> {
  const sql = postgres(url, { max: 6, onnotice: () => undefined });
  const id = `test-worker-${randomBytes(3).toString("hex")}`;
  const me: WorkerIdentity = { workerId: id, hostname: "test", pid: process.pid, version: "test", startedAt: new Date() };
  const prober = new Prober({ sql, workerId: id, leaseMs: 1_500, staleMs: 2_000, flushMs: 200, statsLogMs: 0, ...opts });
  const hb = () => beat(sql, me, "running", { prober: prober.loop.snapshot() }).catch(() => undefined);
  await hb();
  const timer = setInterval(hb, opts.heartbeatMs ?? 500);
  await prober.start();
  let done = false;
  return {
    id,
    sql,
    prober,
    async stop() {
      if (done) return;
      done = true;
      clearInterval(timer);
      await prober.stop(3_000);
      await beat(sql, me, "stopped", {}).catch(() => undefined);
      await sql.end({ timeout: 2 });
    },
    async kill() {
      if (done) return;
      done = true;
      clearInterval(timer);
      prober.halt();
      await sql.end({ timeout: 0 }).catch(() => undefined);
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs: number, what: string, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Shard → owner, from the lease table. */
export async function owners(sql: Sql): Promise<Map<number, string | null>> {
  const rows = await sql<{ shard: number; owner: string | null }[]>`select shard, owner from probe_shard_leases where lease_until > now() order by shard`;
  return new Map(rows.map((r) => [r.shard, r.owner]));
}
