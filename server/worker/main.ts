import { randomBytes } from "node:crypto";
import os from "node:os";
import { closeDb, getDb, getSql } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { seedAdmin } from "@/db/seed/seed-admin";
import { AppError } from "../errors";
import pkg from "@/package.json";
import { env } from "../config/env";
import { log } from "../log";
import { proberEnv } from "../health/prober/config";
import { ensurePartitions } from "../health/prober/partitions";
import { Prober } from "../health/prober/prober";
import { LIVE_CHANNEL } from "../events/live-types";
import { failoverEnv } from "../failover/config";
import { ClusterObserver } from "../failover/observer";
import { OperationRunner } from "../failover/runner";
import { sloEnv } from "../slo/config";
import { evaluateAll } from "../slo/evaluator/evaluate-all";
import { pullSources } from "../slo/sources/pull-sources";
import { ensureSliPartitions } from "../slo/store/partitions";
import { beat, type WorkerIdentity } from "./heartbeat";
import { Loop } from "./loop";
import { pruneOnce } from "./retention";

process.env.BULWARK_ROLE ??= "worker";
const e = env();
const pe = proberEnv();
const se = sloEnv();
const fe = failoverEnv();
if (!e.DATABASE_URL) {
  log.fatal("DATABASE_URL is not set");
  process.exit(2);
}

// Any number of workers may start at once: migrations take an advisory lock.
// Under `npm start` the supervisor has done both steps already.
if (process.env.BULWARK_SKIP_MIGRATIONS !== "1") {
  await runMigrations(e.DATABASE_URL);
  try {
    const admin = await seedAdmin(getDb(), { email: process.env.BULWARK_ADMIN_EMAIL, password: process.env.BULWARK_ADMIN_PASSWORD });
    if (admin) log.warn({ email: admin.email, password: admin.password }, "first start: created the first admin (shown once; change the password after signing in)");
  } catch (err) {
    // Another worker seeded at the same moment: the unique email refused the second admin.
    if (!(err instanceof AppError && err.code === "CONFLICT")) throw err;
  }
}

const me: WorkerIdentity = {
  workerId: `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
  hostname: os.hostname(),
  pid: process.pid,
  version: pkg.version,
  startedAt: new Date(),
};
const sql = getSql();

// sli_minutes month partitions must exist before the first SLI write (pushed events may arrive at once).
await ensureSliPartitions(sql).catch((err: unknown) => log.warn({ err }, "could not create sli_minutes partitions yet (the partitions loop retries)"));

// The prober owns its lease loop; its name in the heartbeat marks this worker as one that shares the fleet.
const prober =
  pe.BULWARK_PROBER === "on"
    ? new Prober({ sql, workerId: me.workerId, leaseMs: pe.BULWARK_LEASE_MS, staleMs: e.BULWARK_WORKER_STALE_MS, concurrency: pe.BULWARK_PROBER_CONCURRENCY, flushMs: pe.BULWARK_PROBER_FLUSH_MS })
    : null;
const loops: Loop[] = [];
const snapshot = () => Object.fromEntries([...loops, ...(prober ? [prober.loop] : [])].map((l) => [l.name, l.snapshot()]));

loops.push(
  new Loop({ name: "heartbeat", intervalMs: e.BULWARK_HEARTBEAT_MS, maxBackoffMs: e.BULWARK_HEARTBEAT_MS, run: () => beat(sql, me, "running", snapshot()) }),
  new Loop({
    name: "retention",
    intervalMs: 10 * 60_000,
    run: async () => {
      const r = await pruneOnce(sql, { rawRetentionHours: pe.BULWARK_RAW_RETENTION_HOURS, rollupRetentionDays: pe.BULWARK_ROLLUP_RETENTION_DAYS });
      if (!r.skipped && r.deleted + r.partitionsDropped + r.rollupPartitionsDropped + r.sliPartitionsDropped > 0) log.info(r, "retention pruned rows");
    },
  }),
  // probe_results day partitions kept two days ahead, sli_minutes month partitions around now
  // (every worker; advisory locks serialise them).
  new Loop({
    name: "partitions",
    intervalMs: 60 * 60_000,
    run: async () => {
      await ensurePartitions(sql);
      await ensureSliPartitions(sql);
    },
  }),
);
if (se.BULWARK_SLO === "on") {
  loops.push(
    // Pulled SLI sources (probe rollups, Prometheus) → SLI minutes; one worker at a time (session advisory lock).
    new Loop({
      name: "slo-sources",
      intervalMs: se.BULWARK_SLO_SOURCES_MS,
      run: async (signal) => {
        const r = await pullSources(sql, new Date(), { signal });
        if (r.errors > 0) log.warn(r, "slo sources: some SLOs could not be folded (see their cursors)");
      },
    }),
    // Every SLO's figures, alerts and policy tier; one worker at a time (transaction advisory lock).
    new Loop({
      name: "slo-evaluator",
      intervalMs: se.BULWARK_SLO_EVAL_MS,
      run: async () => {
        const r = await evaluateAll(sql);
        if (r.errors > 0) log.debug(r, "slo evaluator: some SLOs are in state error");
      },
    }),
  );
}

// Switchovers and failovers: the runner claims due operations (every 250 ms, and at once when a
// request's outbox NOTIFY arrives: the person who pressed the button is watching); the observer
// keeps cluster_members current for preflight and the live pages.
const operationRunner = fe.BULWARK_FAILOVER === "on" ? new OperationRunner(sql, { workerId: me.workerId }) : null;
const clusterObserver = fe.BULWARK_FAILOVER === "on" ? new ClusterObserver(sql) : null;
let unlistenOperations: (() => Promise<void>) | null = null;
if (operationRunner && clusterObserver) {
  const operationsLoop = new Loop({ name: "operations", intervalMs: 250, maxBackoffMs: 5_000, run: async () => void (await operationRunner.tick()) });
  loops.push(
    operationsLoop,
    new Loop({
      name: "cluster-observer",
      intervalMs: fe.BULWARK_CLUSTER_OBSERVE_MS,
      maxBackoffMs: 10_000,
      run: async (signal) => void (await clusterObserver.cycle(signal)),
    }),
  );
  try {
    const l = await sql.listen(LIVE_CHANNEL, (payload) => {
      if (payload.includes('"operation.requested"')) operationsLoop.wake();
    });
    unlistenOperations = l.unlisten;
  } catch (err) {
    log.warn({ err }, "could not LISTEN for operation requests; the runner picks them up on its 250 ms tick");
  }
}

for (const l of loops) l.start();
await prober?.start();
log.info({ workerId: me.workerId, loops: [...loops.map((l) => l.name), ...(prober ? ["prober"] : [])] }, "worker started");

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "worker stopping");
  await beat(sql, me, "stopping", snapshot()).catch(() => undefined);
  // The prober first: it finishes checks in flight, writes them, and hands its shards back at once.
  await prober?.stop(8_000).catch((err: unknown) => log.warn({ err }, "prober stop failed"));
  await unlistenOperations?.().catch(() => undefined);
  await Promise.all([...loops.map((l) => l.stop(8_000)), operationRunner?.drain(8_000)]);
  await clusterObserver?.close().catch(() => undefined);
  // Say goodbye, so the dashboard shows "stopped" at once instead of waiting for the heartbeat to go stale.
  await beat(sql, me, "stopped", snapshot()).catch((err: unknown) => log.warn({ err }, "final heartbeat failed"));
  await closeDb().catch(() => undefined);
  log.info("worker stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
