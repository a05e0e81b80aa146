import type { ReservedSql, Sql } from "postgres";
import { advisoryLocks } from "@/db/advisory-locks";
import { log as logger } from "../log";
import { asDate } from "./dates";
import { driverFor as defaultDriverFor } from "./drivers";
import { loadClusterRuntime } from "./load-cluster";
import { LeaseKeeper, type RenewResult } from "./lease-keeper";
import { computeFigures } from "./measure";
import { StepLog } from "./step-log";
import {
  type ClusterDriver,
  type DriverFactory,
  NeedsAttention,
  NothingChanged,
  type OperationKindName,
  type OperationState,
  type StepContext,
  type StepDef,
  type WriteProbe,
  type WriteProbeReport,
} from "./types";

/**
 * The operation runner: a durable state machine over `operations` and
 * `operation_steps`. A worker claims one due operation (lease), then holds
 * the cluster's advisory lock on a reserved connection while it runs the
 * driver's steps; every step's start, log, command and result is written as
 * it happens, so a worker that dies leaves a record another worker resumes
 * from (or parks as needs_attention). The lease says who should run it, the
 * advisory lock guarantees nobody else does at the same time.
 */

export type RunnerOptions = {
  workerId: string;
  /** tests inject an in-memory driver; default the registry in ./drivers */
  driverFor?: DriverFactory;
  /** aborting it stops runs at once, writing nothing more (shutdown; a test's "kill") */
  signal?: AbortSignal;
  leaseMs?: number;
  renewMs?: number;
  logFlushMs?: number;
};

export type RunOutcome = {
  operationId: string;
  /** "lock-busy": another runner holds the cluster, the claim was given back; "lost": the lease was taken or the run aborted */
  outcome: "succeeded" | "failed" | "needs_attention" | "lock-busy" | "lost";
};

type Claimed = {
  id: string;
  clusterId: string;
  kind: OperationKindName;
  candidate: string;
  fromPrimary: string | null;
  reason: string;
  state: OperationState;
  attempts: number;
  /** text: see ./dates */
  startedAt: string;
  prevStatus: string;
  prevOwner: string | null;
  prevUntil: string | null;
  prevStarted: string | null;
  /** performance.now() just before the claim statement: the lease runs out no earlier than leaseMs after it */
  leaseSetAt: number;
};

const DEFAULTS = { leaseMs: 10_000, renewMs: 2_500, logFlushMs: 250 };
const topic = (clusterId: string) => `cluster:${clusterId}`;

async function emit(sql: Sql | ReservedSql, clusterId: string, type: string, payload: Record<string, unknown>): Promise<void> {
  await sql`insert into events (type, topic, payload) values (${type}, ${topic(clusterId)}, ${JSON.stringify(payload)}::text::jsonb)`;
}

/**
 * Claims one due operation: pending, scheduled and due, or running with an
 * expired lease (a dead worker's). The row lock with SKIP LOCKED makes the
 * claim exclusive with other runners and with cancel; the status test is in
 * the same statement, so a cancelled operation is never claimed.
 */
export async function claimOperation(sql: Sql, workerId: string, opts: { leaseMs: number; onlyId?: string; exclude?: string[] }): Promise<Claimed | null> {
  const leaseSetAt = performance.now();
  const [row] = await sql<Omit<Claimed, "leaseSetAt">[]>`
    with c as (
      select id, status::text as prev_status, lease_owner as prev_owner, lease_until as prev_until, started_at as prev_started
      from operations
      where (status = 'pending' or (status = 'scheduled' and scheduled_at <= now()) or (status = 'running' and (lease_until is null or lease_until < now())))
        and (${opts.onlyId ?? null}::uuid is null or id = ${opts.onlyId ?? null}::uuid)
        and not (id = any(${opts.exclude ?? []}::text[]::uuid[]))
      order by coalesce(scheduled_at, created_at), id
      limit 1
      for update skip locked
    )
    update operations o set status = 'running', lease_owner = ${workerId}, lease_until = now() + make_interval(secs => ${opts.leaseMs / 1000}),
      attempts = o.attempts + 1, started_at = coalesce(o.started_at, now())
    from c where o.id = c.id
    returning o.id, o.cluster_id as "clusterId", o.kind::text as kind, o.candidate, o.from_primary as "fromPrimary", o.reason, o.state,
      o.attempts, o.started_at as "startedAt", c.prev_status as "prevStatus", c.prev_owner as "prevOwner", c.prev_until as "prevUntil", c.prev_started as "prevStarted"`;
  return row ? { ...row, leaseSetAt } : null;
}

/** Puts a claim back exactly as it was (the lock holder keeps its lease; a pending one stays cancellable). */
async function giveBack(sql: Sql, op: Claimed, workerId: string): Promise<void> {
  await sql`
    update operations set status = ${op.prevStatus}::operation_status, lease_owner = ${op.prevOwner}, lease_until = ${op.prevUntil}::timestamptz,
      attempts = greatest(attempts - 1, 0), started_at = ${op.prevStarted}::timestamptz
    where id = ${op.id} and lease_owner = ${workerId}`;
}

type ExistingStep = { id: string; seq: number; name: string; title: string; status: string; command: string | null; result: string | null; startedAt: string };

class LeaseLost extends Error {
  override name = "LeaseLost";
}

/** One claimed operation, run to an end (or until its lease is lost). */
class Run {
  private readonly abort = new AbortController();
  private lease: LeaseKeeper | null = null;
  private detachOuter: () => void = () => undefined;
  private lockPid = 0;
  private leaseLost = false;
  private driver: ClusterDriver | null = null;
  private probe: WriteProbe | null = null;
  private state: OperationState;
  private readonly stepStarts = new Map<string, Date>();
  /** names of the driver's steps that change the cluster (the first one's start is where RTO starts without a probe) */
  private changing = new Set<string>();
  /** a step that changes the cluster has started, in this run or an earlier one: a plain error no longer means "nothing happened" */
  private clusterChanged = false;
  /** the step being run, for the error of an operation that stops in it */
  private current: StepDef | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly conn: ReservedSql,
    private readonly op: Claimed,
    private readonly opts: Required<Omit<RunnerOptions, "signal">> & { signal?: AbortSignal },
  ) {
    this.state = { ...op.state };
    const outer = opts.signal;
    if (outer) {
      if (outer.aborted) this.abort.abort(outer.reason);
      else {
        // the outer signal outlives every run (the runner's): the listener goes when the run ends
        const onAbort = () => this.abort.abort(outer.reason);
        outer.addEventListener("abort", onAbort, { once: true });
        this.detachOuter = () => outer.removeEventListener("abort", onAbort);
      }
    }
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  /**
   * The lease is renewed on the connection that holds the advisory lock: a new
   * backend pid means the lock went with the old one. Errors are thrown to the
   * LeaseKeeper, which retries them until the lease would run out.
   */
  private renew = async (): Promise<RenewResult> => {
    const [row] = await this.conn<{ pid: number }[]>`
      update operations set lease_until = now() + make_interval(secs => ${this.opts.leaseMs / 1000})
      where id = ${this.op.id} and lease_owner = ${this.opts.workerId} and status = 'running'
      returning pg_backend_pid() as pid`;
    if (!row) return { ok: false, why: "another worker took the lease" };
    if (row.pid !== this.lockPid) return { ok: false, why: "the connection holding the cluster lock was lost" };
    return { ok: true };
  };

  private loseLease(why: string): void {
    if (this.leaseLost) return;
    this.leaseLost = true;
    logger.warn({ operationId: this.op.id, why }, "operation lease lost: stopping without further actions");
    this.abort.abort(new LeaseLost(why));
  }

  async start(): Promise<RunOutcome["outcome"]> {
    try {
      const [{ pid } = { pid: 0 }] = await this.conn<{ pid: number }[]>`select pg_backend_pid() as pid`;
      this.lockPid = pid;
      this.lease = new LeaseKeeper({
        leaseMs: this.opts.leaseMs,
        renewMs: this.opts.renewMs,
        leaseSetAt: this.op.leaseSetAt,
        renew: this.renew,
        onLost: (why) => this.loseLease(why),
        operationId: this.op.id,
      });
      this.lease.start();
      return await this.execute();
    } finally {
      this.lease?.stop();
      this.detachOuter();
      await this.stopProbe().catch(() => null);
      // stopped from outside (shutdown): hand the lease over at once instead of letting it run out
      if (this.stopped && !this.leaseLost) {
        await this.sql`update operations set lease_until = now() where id = ${this.op.id} and lease_owner = ${this.opts.workerId} and status = 'running'`.catch(() => undefined);
      }
      await this.driver?.close().catch((err: unknown) => logger.warn({ err }, "driver close failed"));
    }
  }

  private async execute(): Promise<RunOutcome["outcome"]> {
    const { op, sql } = this;
    const existing = await sql<ExistingStep[]>`
      select id, seq, name, title, status::text as status, command, result, started_at as "startedAt" from operation_steps where operation_id = ${op.id} order by seq`;
    for (const s of existing) this.stepStarts.set(s.name, asDate(s.startedAt));
    const resumed = op.attempts > 1 || existing.length > 0;
    // until the driver's steps are known, any step an earlier run started may have changed the cluster
    this.clusterChanged = existing.length > 0;
    await emit(sql, op.clusterId, "operation.started", { operationId: op.id, kind: op.kind, attempt: op.attempts, resumed });

    let steps: StepDef[];
    try {
      const cluster = await loadClusterRuntime(sql, op.clusterId);
      this.driver = this.opts.driverFor(cluster);
      steps = op.kind === "switchover" ? this.driver.switchoverSteps() : this.driver.failoverSteps();
      this.changing = new Set(steps.filter((s) => s.changesCluster).map((s) => s.name));
      const mismatch = existing.find((s) => steps[s.seq - 1]?.name !== s.name);
      if (mismatch) throw new NeedsAttention(`The recorded step ${mismatch.seq} (${mismatch.name}) is not the driver's step ${mismatch.seq} any more; check the cluster by hand`);
      this.clusterChanged = existing.some((s) => steps[s.seq - 1]?.changesCluster === true);
      if (!resumed) await this.startProbe();
      else await this.setState({ measurement: "Resumed by another worker: write-unavailability and lost writes were not measured for this run" });

      for (const [i, step] of steps.entries()) {
        if (this.stopped) return "lost";
        const seq = i + 1;
        const row = existing.find((s) => s.seq === seq);
        if (row && (row.status === "ok" || row.status === "skipped")) continue;
        if (row && row.status === "failed") {
          // A worker recorded the step's failure and died before ending the operation: what that failure meant is lost with it.
          throw new NeedsAttention(`${step.title} failed and the worker stopped before ending the operation: ${row.result ?? "no result recorded"} — check the cluster before acting`);
        }
        if (row && row.status === "running" && step.onResume === "park") {
          await sql`update operation_steps set status = 'failed', result = 'A worker stopped during this step; not repeated automatically', finished_at = now() where id = ${row.id}`;
          await emit(sql, op.clusterId, "operation.step", { operationId: op.id, seq, name: step.name, status: "failed" });
          throw new NeedsAttention(`A worker stopped during ${step.title}; it is not safe to repeat automatically. Known state: ${JSON.stringify(this.state)}`);
        }
        if (step.changesCluster) this.clusterChanged = true;
        this.current = step;
        await this.runStep(step, seq, cluster, row ?? null);
        this.current = null;
      }
      return await this.finish("succeeded", null);
    } catch (err) {
      if (this.stopped) return "lost";
      if (err instanceof NeedsAttention) return await this.finish("needs_attention", err.message);
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof NothingChanged || !this.clusterChanged) {
        logger.warn({ err, operationId: op.id }, "operation failed");
        return await this.finish("failed", message);
      }
      logger.warn({ err, operationId: op.id }, "operation stopped after the cluster was changed: needs attention");
      const where = this.current?.title ?? "The run";
      return await this.finish("needs_attention", `${where} failed after the cluster was changed: ${message} — check the cluster before acting`);
    }
  }

  private async startProbe(): Promise<void> {
    const probe = this.driver?.writeProbe(this.op.id) ?? null;
    if (!probe) return;
    try {
      await probe.start();
      this.probe = probe;
    } catch (err) {
      await this.setState({ measurement: `The write probe did not start: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  private async stopProbe(): Promise<WriteProbeReport | null> {
    const probe = this.probe;
    this.probe = null;
    if (!probe) return null;
    try {
      return await probe.stop();
    } catch (err) {
      if (!this.stopped) await this.setState({ measurement: `The write probe failed: ${err instanceof Error ? err.message : String(err)}` }).catch(() => undefined);
      return null;
    }
  }

  private setState = async (patch: Partial<OperationState>): Promise<void> => {
    if (this.stopped) throw new LeaseLost("the run was stopped");
    const rows = await this.sql`
      update operations set state = state || ${JSON.stringify(patch)}::text::jsonb
      where id = ${this.op.id} and lease_owner = ${this.opts.workerId} and status = 'running' returning id`;
    if (rows.length === 0) {
      this.loseLease("another worker took the lease");
      throw new LeaseLost("the lease was lost before the state could be saved");
    }
    Object.assign(this.state, patch);
  };

  private async runStep(step: StepDef, seq: number, cluster: StepContext["cluster"], resumedRow: ExistingStep | null): Promise<void> {
    const { op, sql } = this;
    let stepId: string;
    if (resumedRow) {
      stepId = resumedRow.id;
      await sql`
        update operation_steps set logs = logs || ${JSON.stringify([{ at: new Date().toISOString(), msg: `Resumed after a worker stopped during this step (attempt ${op.attempts})` }])}::text::jsonb
        where id = ${stepId}`;
    } else {
      const [row] = await sql<{ id: string; startedAt: string }[]>`
        insert into operation_steps (operation_id, seq, name, title, status) values (${op.id}, ${seq}, ${step.name}, ${step.title}, 'running')
        returning id, started_at as "startedAt"`;
      if (!row) throw new Error("step insert returned no row");
      stepId = row.id;
      this.stepStarts.set(step.name, asDate(row.startedAt));
    }
    await sql`update operations set current_step = ${step.name} where id = ${op.id}`;
    await emit(sql, op.clusterId, "operation.step", { operationId: op.id, seq, name: step.name, status: "running" });

    const stepLog = new StepLog(sql, stepId, this.opts.logFlushMs, resumedRow?.command ?? null);
    const ctx: StepContext = {
      op: { id: op.id, kind: op.kind, candidate: op.candidate, fromPrimary: op.fromPrimary, reason: op.reason },
      cluster,
      state: this.state,
      setState: this.setState,
      log: stepLog.log,
      command: stepLog.command,
      signal: this.abort.signal,
      resumed: resumedRow !== null,
    };
    let result: string;
    try {
      result = await step.run(ctx);
    } catch (err) {
      await stepLog.flush();
      if (this.stopped) throw err;
      const message = err instanceof Error ? err.message : String(err);
      await sql`update operation_steps set status = 'failed', result = ${message}, finished_at = now() where id = ${stepId}`;
      await emit(sql, op.clusterId, "operation.step", { operationId: op.id, seq, name: step.name, status: "failed" });
      throw err;
    }
    await stepLog.flush();
    if (this.stopped) throw new LeaseLost("the run was stopped");
    await sql`update operation_steps set status = 'ok', result = ${result}, finished_at = now() where id = ${stepId}`;
    await emit(sql, op.clusterId, "operation.step", { operationId: op.id, seq, name: step.name, status: "ok" });
  }

  private fenceStartedAt(): Date | null {
    for (const [name, at] of this.stepStarts) if (this.changing.has(name)) return at;
    return null;
  }

  private async finish(status: "succeeded" | "failed" | "needs_attention", error: string | null): Promise<RunOutcome["outcome"]> {
    const report = await this.stopProbe();
    if (this.stopped) return "lost";
    const f = computeFigures({ kind: this.op.kind, state: this.state, report, startedAt: asDate(this.op.startedAt), fenceStartedAt: this.fenceStartedAt() });
    const terminal = status !== "needs_attention";
    const rows = await this.sql`
      update operations set status = ${status}, error = ${error}, lease_owner = null, lease_until = null,
        finished_at = case when ${terminal} then now() end,
        duration_ms = case when ${terminal} then (extract(epoch from now() - started_at) * 1000)::int end,
        write_unavailable_ms = ${f.writeUnavailableMs}, lost_acked_writes = ${f.lostAckedWrites}, probe_writes = ${f.probeWrites},
        rto_ms = ${f.rtoMs}, lsn_gap_bytes = ${f.lsnGapBytes}
      where id = ${this.op.id} and lease_owner = ${this.opts.workerId}
      returning id`;
    if (rows.length === 0) return "lost";
    await emit(this.sql, this.op.clusterId, "operation.finished", { operationId: this.op.id, status, error, ...f });
    return status;
  }

}

type Resolved = Required<Omit<RunnerOptions, "signal">> & { signal?: AbortSignal };
const resolve = (o: RunnerOptions): Resolved => ({
  leaseMs: o.leaseMs ?? DEFAULTS.leaseMs,
  renewMs: o.renewMs ?? DEFAULTS.renewMs,
  logFlushMs: o.logFlushMs ?? DEFAULTS.logFlushMs,
  driverFor: o.driverFor ?? defaultDriverFor,
  workerId: o.workerId,
  signal: o.signal,
});

const lockArgs = (clusterId: string) => [advisoryLocks.clusterOperations, clusterId] as const;

/** The cluster's advisory lock on a reserved connection; null (claim given back) when another runner holds it. */
async function acquire(sql: Sql, op: Claimed, opts: Resolved): Promise<ReservedSql | null> {
  const conn = await sql.reserve();
  try {
    const [key, cluster] = lockArgs(op.clusterId);
    const [lock] = await conn<{ got: boolean }[]>`select pg_try_advisory_lock(${key}, hashtext(${cluster}::text)) as got`;
    if (lock?.got === true) return conn;
    conn.release();
    await giveBack(sql, op, opts.workerId);
    return null;
  } catch (err) {
    conn.release();
    throw err;
  }
}

/** Runs a locked claim; releases the lock and the connection whatever happens. */
async function runLocked(sql: Sql, conn: ReservedSql, op: Claimed, opts: Resolved): Promise<RunOutcome> {
  try {
    return { operationId: op.id, outcome: await new Run(sql, conn, op, opts).start() };
  } catch (err) {
    logger.error({ err, operationId: op.id }, "operation run crashed; its lease expires and another pass resumes it");
    return { operationId: op.id, outcome: "lost" };
  } finally {
    const [key, cluster] = lockArgs(op.clusterId);
    await conn`select pg_advisory_unlock(${key}, hashtext(${cluster}::text))`.catch(() => undefined);
    conn.release();
  }
}

async function runClaimed(sql: Sql, op: Claimed, opts: Resolved): Promise<RunOutcome> {
  const conn = await acquire(sql, op, opts);
  return conn ? runLocked(sql, conn, op, opts) : { operationId: op.id, outcome: "lock-busy" };
}

/**
 * The worker's runner: each tick claims every due operation and starts it
 * without waiting (operations on different clusters run side by side).
 */
export class OperationRunner {
  private readonly inflight = new Map<string, Promise<RunOutcome>>();
  private readonly stopper = new AbortController();
  private readonly opts: Resolved;

  constructor(
    private readonly sql: Sql,
    opts: RunnerOptions,
  ) {
    const outer = opts.signal;
    this.opts = resolve({ ...opts, signal: outer ? AbortSignal.any([outer, this.stopper.signal]) : this.stopper.signal });
  }

  /** Claims and starts due operations; returns the runs started in this tick. */
  async tick(): Promise<Promise<RunOutcome>[]> {
    const started: Promise<RunOutcome>[] = [];
    const busy: string[] = [];
    while (!this.stopper.signal.aborted) {
      const op = await claimOperation(this.sql, this.opts.workerId, { leaseMs: this.opts.leaseMs, exclude: [...this.inflight.keys(), ...busy] });
      if (!op) break;
      const conn = await acquire(this.sql, op, this.opts);
      if (!conn) {
        // another runner holds this cluster: the claim went back; try again next tick
        busy.push(op.id);
        started.push(Promise.resolve({ operationId: op.id, outcome: "lock-busy" }));
        continue;
      }
      const run = runLocked(this.sql, conn, op, this.opts);
      this.inflight.set(op.id, run);
      started.push(run);
      void run.finally(() => this.inflight.delete(op.id));
    }
    return started;
  }

  get running(): number {
    return this.inflight.size;
  }

  /** Lets runs finish until the deadline, then stops them (their leases expire and another worker resumes them). */
  async drain(deadlineMs: number): Promise<void> {
    const all = Promise.allSettled([...this.inflight.values()]);
    const timer = setTimeout(() => this.stopper.abort(new Error("shutdown deadline")), deadlineMs);
    await all;
    clearTimeout(timer);
  }
}

/** Claims and runs every due operation, waiting for all of them (tests, the benchmark). */
export async function runDueOperations(sql: Sql, opts: RunnerOptions): Promise<RunOutcome[]> {
  const runner = new OperationRunner(sql, opts);
  return Promise.all(await runner.tick());
}

/** Runs this operation to an end if it is due; null when it is not claimable (not due, cancelled, or leased by a live worker). */
export async function runOperationNow(sql: Sql, id: string, opts: RunnerOptions): Promise<RunOutcome | null> {
  const r = resolve(opts);
  const op = await claimOperation(sql, r.workerId, { leaseMs: r.leaseMs, onlyId: id });
  return op ? runClaimed(sql, op, r) : null;
}
