/**
 * `npm run bench:switchover`: Bulwark's own switchover and failover, measured
 * on real clusters under continuous write load, through the same verbs,
 * observer and runner the worker uses.
 *
 *  - Lab pair (two embedded PostgreSQL 18 members, the lab's TCP router and
 *    host agent): BENCH_SWITCHOVER_RUNS (20) planned switchovers back and
 *    forth, then one unplanned failover (SIGKILL of the primary's postmaster
 *    through the agent, then the failover action). A continuous writer commits
 *    sequential ids through the router the whole time; every acknowledged id
 *    is read back at the end (`lost_acked_writes` counts both that writer and
 *    each operation's own write probe).
 *  - `failover_ms`: from the failover request to the first acknowledged write
 *    through the router.
 *  - Patroni 3 + etcd + HAProxy (`option httpchk GET /primary`, checks every
 *    500 ms): BENCH_PATRONI_RUNS (3) planned switchovers through Bulwark's
 *    Patroni adapter, write-unavailability through HAProxy; skipped (null)
 *    when patroni / etcd / haproxy are not installed.
 *  - Redis 7 master + replica + 3 sentinels: BENCH_REDIS_RUNS (10) planned
 *    switchovers under write load; skipped (null) without redis-sentinel.
 *
 * Prints one JSON line last. Goals: p50 ≤ 1,000 ms, max ≤ 2,000 ms, 0 lost
 * acknowledged writes, failover ≤ 3,000 ms, below Patroni's p50, 0 lost Redis writes.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres, { type Sql } from "postgres";
import { createDb } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { makeUser } from "@/test/factories";
import { patroniLabMissing, startPatroniLab } from "@/test/ha/patroni-lab";
import type { Actor } from "@/server/core/actor";
import { createCluster } from "@/server/failover/cluster-verbs";
import { ClusterObserver } from "@/server/failover/observer";
import { requestFailover, requestSwitchover } from "@/server/failover/operation-verbs";
import { pgWriteProbe } from "@/server/failover/pg-write-probe";
import { preflight } from "@/server/failover/preflight";
import { runOperationNow } from "@/server/failover/runner";
import type { ClusterInput } from "@/server/failover/schemas";
import { startPgPair } from "@/server/lab/pg-pair/pair";
import { redisTrioAvailable, startRedisTrio } from "@/server/lab/redis-trio";
import { startEmbeddedPg } from "@/server/supervisor/embedded-pg";
import { percentile, round } from "./harness";

const RUNS = Number(process.env.BENCH_SWITCHOVER_RUNS ?? 20);
const PATRONI_RUNS = Number(process.env.BENCH_PATRONI_RUNS ?? 3);
const REDIS_RUNS = Number(process.env.BENCH_REDIS_RUNS ?? 10);

const log = (msg: string) => process.stderr.write(`[bench:switchover] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quiet = { info: () => undefined, warn: () => undefined };

process.env.BULWARK_ENCRYPTION_KEY ??= randomBytes(32).toString("base64url");
const root = mkdtempSync(path.join(os.tmpdir(), "bulwark-bench-switchover-"));
const cleanups: (() => Promise<unknown>)[] = [];

type Figures = { id: string; status: string; writeUnavailableMs: number | null; lostAckedWrites: number | null; durationMs: number | null; error: string | null };

async function figures(sql: Sql, id: string): Promise<Figures> {
  const [row] = await sql<Figures[]>`
    select id, status::text as status, write_unavailable_ms as "writeUnavailableMs", lost_acked_writes as "lostAckedWrites",
           duration_ms as "durationMs", error
    from operations where id = ${id}`;
  if (!row) throw new Error(`operation ${id} vanished`);
  return row;
}

/** Runs the observer until the preflight for this request passes (the standby must be streaming again after the last run). */
async function waitPreflight(ctx: Ctx, clusterId: string, kind: "switchover" | "failover", timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    await ctx.observer.cycle();
    const p = await preflight(ctx.db, { clusterId, kind });
    if (p.ok) return;
    last = p.checks
      .filter((c) => !c.ok)
      .map((c) => `${c.id}: ${c.detail}`)
      .join("; ");
    if (Date.now() > deadline) {
      const steps = await ctx.sql`select o.kind, s.seq, s.name, s.status::text, s.result, s.logs from operation_steps s join operations o on o.id = s.operation_id order by o.created_at desc, s.seq limit 12`;
      log(`last operation's steps: ${JSON.stringify(steps, null, 1)}`);
      throw new Error(`preflight not ok after ${timeoutMs} ms: ${last}`);
    }
    await sleep(200);
  }
}

type Ctx = { sql: Sql; db: ReturnType<typeof createDb>["db"]; observer: ClusterObserver; operator: Actor; admin: Actor };

async function switchoverOnce(ctx: Ctx, clusterId: string, name: string, i: number): Promise<Figures> {
  await waitPreflight(ctx, clusterId, "switchover");
  const op = await requestSwitchover({ ctx: { actor: ctx.operator, db: ctx.db, requestId: null }, input: { clusterId, reason: `benchmark run ${i}: planned switchover`, confirmName: name } });
  const out = await runOperationNow(ctx.sql, op.id, { workerId: "bench" });
  const f = await figures(ctx.sql, op.id);
  if (out?.outcome !== "succeeded") throw new Error(`switchover ${i} ended ${out?.outcome ?? "unclaimed"}: ${f.error ?? ""}`);
  return f;
}

async function addCluster(ctx: Ctx, input: ClusterInput): Promise<string> {
  const c = await createCluster({ ctx: { actor: ctx.admin, db: ctx.db, requestId: null }, input });
  return c.id;
}

async function benchPair(ctx: Ctx) {
  const agentToken = randomBytes(24).toString("base64url");
  const pair = await startPgPair({ dir: path.join(root, "pair"), agentToken, log: quiet });
  cleanups.push(() => pair.stop());
  const clusterId = await addCluster(ctx, {
    name: "bench-pg",
    adapter: "postgres-streaming",
    config: {
      members: pair.members.map((m) => ({ name: m.name, host: m.host, port: m.port })),
      user: pair.user,
      password: pair.password,
      agentUrl: pair.agentUrl,
      agentToken,
      writeProbeUrl: pair.routerUrl,
    },
  });
  // the continuous load: one writer through the router for the whole benchmark
  const load = pgWriteProbe(pair.routerUrl, randomUUID());
  await load.start();

  const runs: Figures[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const f = await switchoverOnce(ctx, clusterId, "bench-pg", i);
    runs.push(f);
    log(`switchover ${i}/${RUNS}: unavailable ${f.writeUnavailableMs} ms, lost ${f.lostAckedWrites}, total ${f.durationMs} ms`);
  }

  // Unplanned: the primary's postmaster is SIGKILLed, the observer sees it down, then the failover action.
  await waitPreflight(ctx, clusterId, "switchover");
  const primary = pair.routedTo();
  if (!primary) throw new Error("no primary before the failover");
  const killed = await fetch(`${pair.agentUrl}/v1/members/${primary}/kill`, { method: "POST", headers: { authorization: `Bearer ${agentToken}`, "content-type": "application/json" }, body: "{}" });
  if (!killed.ok) throw new Error(`agent kill: ${killed.status} ${await killed.text()}`);
  await waitPreflight(ctx, clusterId, "failover");
  const t0 = performance.now();
  const writable = (async () => {
    const c = postgres(pair.routerUrl, { max: 1, connect_timeout: 2, idle_timeout: 1, onnotice: () => undefined });
    try {
      for (;;) {
        try {
          await c`select txid_current()`;
          return performance.now() - t0;
        } catch {
          await sleep(5);
        }
      }
    } finally {
      await c.end({ timeout: 1 });
    }
  })();
  const op = await requestFailover({
    ctx: { actor: ctx.operator, db: ctx.db, requestId: null },
    input: { clusterId, reason: "benchmark: primary killed", confirmName: "bench-pg", acknowledgeDataLoss: true },
  });
  const [out, failoverMs] = await Promise.all([runOperationNow(ctx.sql, op.id, { workerId: "bench" }), writable]);
  const fo = await figures(ctx.sql, op.id);
  if (out?.outcome !== "succeeded") throw new Error(`failover ended ${out?.outcome ?? "unclaimed"}: ${fo.error ?? ""}`);
  log(`failover: writable after ${round(failoverMs)} ms, operation ${fo.durationMs} ms`);

  const report = await load.stop();
  log(`continuous writer: ${report.acked} acked, ${report.lostAcked} lost, longest gap ${report.unavailableMs} ms (incl. the failover)`);
  const un = runs.map((r) => r.writeUnavailableMs ?? Number.NaN);
  return {
    runs: runs.length,
    unavailable_p50_ms: round(percentile(un, 50)),
    unavailable_max_ms: round(Math.max(...un)),
    lost_acked_writes: runs.reduce((s, r) => s + (r.lostAckedWrites ?? 0), 0) + report.lostAcked,
    failover_ms: round(failoverMs),
    continuous_acked_writes: report.acked,
  };
}

async function benchPatroni(ctx: Ctx) {
  const missing = patroniLabMissing();
  if (missing) {
    log(`Patroni comparison skipped: ${missing}`);
    return null;
  }
  const lab = await startPatroniLab({ log: () => undefined });
  cleanups.push(() => lab.stop());
  const clusterId = await addCluster(ctx, {
    name: "bench-patroni",
    adapter: "patroni",
    config: { apiUrls: lab.apiUrls, username: lab.username, password: lab.password, writeProbeUrl: lab.haproxyUrl },
  });
  const runs: Figures[] = [];
  for (let i = 1; i <= PATRONI_RUNS; i++) {
    const f = await switchoverOnce(ctx, clusterId, "bench-patroni", i);
    runs.push(f);
    log(`patroni switchover ${i}/${PATRONI_RUNS}: unavailable ${f.writeUnavailableMs} ms through HAProxy, lost ${f.lostAckedWrites}`);
  }
  await lab.stop();
  return { patroni_runs: runs.length, patroni_unavailable_p50_ms: round(percentile(runs.map((r) => r.writeUnavailableMs ?? Number.NaN), 50)), patroni_lost_acked_writes: runs.reduce((s, r) => s + (r.lostAckedWrites ?? 0), 0) };
}

async function benchRedis(ctx: Ctx) {
  if (!redisTrioAvailable()) {
    log("Redis runs skipped: redis-server / redis-sentinel not installed");
    return null;
  }
  const trio = await startRedisTrio({ dir: path.join(root, "redis") });
  cleanups.push(() => trio.stop());
  const clusterId = await addCluster(ctx, {
    name: "bench-redis",
    adapter: "redis-sentinel",
    config: { sentinels: trio.sentinels, masterName: trio.masterName, writeProbe: true },
  });
  const runs: Figures[] = [];
  for (let i = 1; i <= REDIS_RUNS; i++) {
    const f = await switchoverOnce(ctx, clusterId, "bench-redis", i);
    runs.push(f);
    log(`redis switchover ${i}/${REDIS_RUNS}: unavailable ${f.writeUnavailableMs} ms, lost ${f.lostAckedWrites}`);
  }
  await trio.stop();
  return {
    redis_runs: runs.length,
    redis_lost_acked_writes: runs.reduce((s, r) => s + (r.lostAckedWrites ?? 0), 0),
    redis_unavailable_p50_ms: round(percentile(runs.map((r) => r.writeUnavailableMs ?? Number.NaN), 50)),
  };
}

try {
  const bulwarkPg = await startEmbeddedPg({ dataDir: path.join(root, "bulwark"), preferredPort: 0, log: quiet });
  cleanups.push(() => bulwarkPg.stop());
  await runMigrations(bulwarkPg.url());
  const h = createDb(bulwarkPg.url(), 10);
  cleanups.push(() => h.sql.end({ timeout: 2 }));
  const ctx: Ctx = {
    sql: h.sql,
    db: h.db,
    observer: new ClusterObserver(h.sql),
    operator: (await makeUser(h.db, { role: "operator", email: "bench-operator@bulwark.local" })).actor,
    admin: (await makeUser(h.db, { role: "admin", email: "bench-admin@bulwark.local" })).actor,
  };
  const pair = await benchPair(ctx);
  const patroni = await benchPatroni(ctx);
  const redis = await benchRedis(ctx);
  const result = {
    bench: "switchover",
    ...pair,
    patroni_unavailable_p50_ms: patroni?.patroni_unavailable_p50_ms ?? null,
    patroni_runs: patroni?.patroni_runs ?? 0,
    patroni_lost_acked_writes: patroni?.patroni_lost_acked_writes ?? null,
    redis_runs: redis?.redis_runs ?? 0,
    redis_lost_acked_writes: redis?.redis_lost_acked_writes ?? null,
    redis_unavailable_p50_ms: redis?.redis_unavailable_p50_ms ?? null,
  };
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  cleanups.length = 0;
  rmSync(root, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} catch (err) {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  if (process.env.BENCH_KEEP) log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
  process.exit(1);
}
