import { setMaxListeners } from "node:events";
import type { Sql } from "postgres";
import { LIVE_CHANNEL } from "@/server/events/live-types";
import { log } from "@/server/log";
import { Loop } from "@/server/worker/loop";
import type { ProbeResult } from "../probe-types";
import { applyResult } from "../state-machine";
import { BatchWriter } from "./batch-writer";
import { type Comp, Fleet } from "./fleet";
import { LeaseManager } from "./leases";
import { ensurePartitions } from "./partitions";
import { adapterProbes, closeAdapterProbes, type ProbeLookup } from "./probes";
import { evaluatePush } from "./push";
import { Scheduler } from "./scheduler";
import { Semaphore } from "./semaphore";

export type ProberOptions = {
  sql: Sql;
  workerId: string;
  leaseMs: number;
  /** heartbeats older than this are not live workers */
  staleMs: number;
  concurrency?: number;
  flushMs?: number;
  /** the probes by kind (default: server/adapters, imported on start) */
  probes?: ProbeLookup;
  /** LISTEN for component / maintenance changes (default true); the periodic refresh runs regardless */
  listen?: boolean;
  refreshMs?: number;
  /** log a line of figures this often (0: never) */
  statsLogMs?: number;
};

const REFRESH_TYPES = /^(component|service|maintenance)\./;

/**
 * The prober of one worker: holds shard leases (leases.ts), keeps the
 * components of its shards in memory (fleet.ts), runs their checks on
 * schedule (scheduler.ts) through the state machine, and hands every result
 * to the batch writer (batch-writer.ts).
 *
 * Component changes arrive by LISTEN on `bulwark_events` (the outbox trigger
 * NOTIFYs `component.*`, `service.*`, `maintenance.*` on commit): a debounced
 * refresh reloads only what changed, so an edit, pause or new component takes
 * effect within a fraction of a second without polling; a slow periodic
 * refresh covers a dropped LISTEN connection.
 */
export class Prober {
  readonly leases: LeaseManager;
  readonly writer: BatchWriter;
  readonly scheduler: Scheduler<Comp>;
  readonly fleet: Fleet;
  readonly loop: Loop;
  private readonly draining = new Set<number>();
  private probes: ProbeLookup = () => undefined;
  private readonly cancel = new AbortController();
  private serialChain: Promise<unknown> = Promise.resolve();
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshEvery: NodeJS.Timeout | undefined;
  private statsEvery: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private state: "created" | "active" | "stopping" | "stopped" = "created";
  /** push verdicts are short transactions; a few at a time leave the pool to lease renewals and the writer */
  private readonly pushSlots = new Semaphore(3);
  private lastStarted = 0;

  constructor(private readonly opts: ProberOptions) {
    setMaxListeners(0, this.cancel.signal);
    this.leases = new LeaseManager({ sql: opts.sql, workerId: opts.workerId, leaseMs: opts.leaseMs, staleMs: opts.staleMs });
    this.writer = new BatchWriter({ sql: opts.sql, workerId: opts.workerId, flushMs: opts.flushMs ?? 500, onRejected: (ids) => void this.fleet.reloadStatuses(ids) });
    this.scheduler = new Scheduler<Comp>({
      concurrency: opts.concurrency ?? 2_000,
      canRun: (c, now) => !c.removed && !c.row.paused && !this.draining.has(c.row.shard) && this.leases.isValid(c.row.shard, now),
      run: (c) => this.run(c),
      onResult: (c, scheduledAt, startedAt, result) => this.onResult(c, scheduledAt, startedAt, result),
    });
    this.fleet = new Fleet(opts.sql, this.scheduler);
    // A quarter lease apart, and never backing off longer than that: missing renewals loses the shards.
    this.loop = new Loop({ name: "prober", intervalMs: this.leases.renewEveryMs, maxBackoffMs: this.leases.renewEveryMs, run: () => this.tick() });
  }

  async start(): Promise<void> {
    if (this.state !== "created") return;
    this.state = "active";
    this.probes = this.opts.probes ?? (await adapterProbes());
    await ensurePartitions(this.opts.sql).catch((err: unknown) => log.warn({ err }, "prober: could not create probe_results partitions yet"));
    await this.fleet.refresh().catch((err: unknown) => log.warn({ err }, "prober: could not load maintenance windows yet")); // no shards yet: the windows
    if (this.opts.listen !== false) {
      const l = await this.opts.sql.listen(LIVE_CHANNEL, (payload) => this.onNotify(payload), () => this.requestRefresh(0));
      this.unlisten = l.unlisten;
    }
    this.refreshEvery = setInterval(() => this.requestRefresh(0), this.opts.refreshMs ?? 30_000);
    const statsMs = this.opts.statsLogMs ?? 60_000;
    if (statsMs > 0) this.statsEvery = setInterval(() => this.logStats(statsMs), statsMs);
    this.writer.start();
    this.scheduler.start();
    this.loop.start();
  }

  /** Graceful: no new checks, wait for those in flight, write everything, give the shards back at once. */
  async stop(deadlineMs = 8_000): Promise<void> {
    if (this.state !== "active") return;
    this.state = "stopping";
    const until = Date.now() + deadlineMs;
    this.stopTimers();
    await this.loop.stop(Math.max(100, until - Date.now()));
    this.scheduler.stop();
    await this.scheduler.idle(Math.max(0, until - Date.now() - 1_000));
    this.cancel.abort(new Error("worker stopping"));
    await this.serialChain.catch(() => undefined);
    if (!(await this.writer.stop())) log.warn("prober: some results could not be written before stopping");
    await this.leases.releaseAll().catch((err: unknown) => log.warn({ err }, "prober: could not release shard leases (they expire on their own)"));
    this.fleet.removeAll();
    if (!this.opts.probes) await closeAdapterProbes().catch(() => undefined);
    this.state = "stopped";
  }

  /** Stops dead, like a killed process: nothing is flushed or released (tests of takeover). */
  halt(): void {
    this.state = "stopped";
    this.stopTimers();
    void this.loop.stop(0);
    this.scheduler.stop();
    this.writer.halt();
    this.leases.forget();
    this.fleet.removeAll();
  }

  stats() {
    return { shards: this.leases.owned().length, components: this.fleet.comps.size, scheduler: this.scheduler.stats(), writer: { ...this.writer.stats } };
  }

  /** One lease round: renew, claim, give back; then load what is new and forget what is lost. */
  async tick(): Promise<void> {
    const change = await this.serial(async () => {
      const ch = await this.leases.tick();
      if (ch.lost.length > 0) {
        this.fleet.dropShards(ch.lost);
        log.warn({ workerId: this.opts.workerId, shards: ch.lost }, "prober: lost shard leases");
      }
      const toLoad = this.leases.owned().filter((s) => !this.fleet.loaded.has(s) && !this.draining.has(s));
      if (toLoad.length > 0) {
        const n = await this.fleet.addShards(toLoad);
        log.info({ workerId: this.opts.workerId, shards: toLoad.length, components: n }, "prober: took shards");
      }
      return ch;
    });
    const surplus = change.surplus.filter((s) => !this.draining.has(s));
    if (surplus.length > 0) void this.handOver(surplus);
  }

  /** Reloads changed components now (also what a NOTIFY triggers, debounced). */
  refresh(): Promise<void> {
    return this.serial(() => this.fleet.refresh());
  }

  private logStats(periodMs: number): void {
    const s = this.stats();
    const checksPerS = Math.round(((s.scheduler.started - this.lastStarted) / periodMs) * 10_000) / 10;
    this.lastStarted = s.scheduler.started;
    this.scheduler.resetLateness();
    const m = process.memoryUsage();
    const mb = (n: number) => Math.round(n / 1_048_576);
    log.info({ ...s, checksPerS, memoryMb: { rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external) } }, "prober figures");
  }

  private stopTimers(): void {
    clearTimeout(this.refreshTimer);
    clearInterval(this.refreshEvery);
    clearInterval(this.statsEvery);
    void this.unlisten?.().catch(() => undefined);
    this.unlisten = undefined;
  }

  /** Lease rounds, refreshes and the end of a handover never interleave. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.serialChain.then(fn);
    this.serialChain = run.catch(() => undefined);
    return run;
  }

  /**
   * Gives surplus shards to a worker that is short: stop starting their
   * checks, let those in flight finish, write their results and rollups,
   * then release the leases — so the next owner reads an up-to-date
   * last_checked_at and never probes twice in one interval.
   */
  private async handOver(shards: number[]): Promise<void> {
    for (const s of shards) this.draining.add(s);
    try {
      const comps = this.fleet.inShards(this.draining);
      const maxTimeout = comps.reduce((m, c) => Math.max(m, c.timeoutMs), 1_000);
      await this.scheduler.idle(maxTimeout + 1_000, (c) => this.draining.has(c.row.shard));
      if (!(await this.writer.flush({ componentIds: new Set(comps.map((c) => c.id)) }))) return; // keep them; offered again next round
      await this.serial(async () => {
        this.fleet.dropShards(shards);
        await this.leases.release(shards);
      });
      log.info({ workerId: this.opts.workerId, shards: shards.length }, "prober: handed shards over");
    } catch (err) {
      log.warn({ err }, "prober: handing shards over failed");
    } finally {
      for (const s of shards) this.draining.delete(s);
    }
  }

  private onNotify(payload: string): void {
    if (!payload.includes('"event"')) return;
    try {
      const msg = JSON.parse(payload) as { k?: string; type?: string };
      if (msg.k === "event" && typeof msg.type === "string" && REFRESH_TYPES.test(msg.type)) this.requestRefresh(150);
    } catch {
      // not ours to judge: the web's live bus logs malformed messages
    }
  }

  /** Debounced: a burst of changes (a YAML import) becomes one refresh. */
  private requestRefresh(delayMs: number): void {
    if (this.state !== "active" || this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refresh().catch((err: unknown) => log.warn({ err }, "prober: refreshing components failed"));
    }, delayMs);
  }

  private async run(c: Comp): Promise<ProbeResult | null> {
    if (c.push) {
      const push = c.push;
      let next: number;
      await this.pushSlots.acquire();
      try {
        next = await evaluatePush(this.opts.sql, this.opts.workerId, push, (t) => this.fleet.windows.covers(c.id, push.serviceId, t));
      } catch (err) {
        log.warn({ err, componentId: c.id }, "prober: evaluating a push component failed");
        next = Date.now() + Math.min(c.intervalMs, 5_000);
      } finally {
        this.pushSlots.release();
      }
      if (!c.removed && !c.row.paused) this.scheduler.schedule(c, next);
      return null;
    }
    if (c.row.configError) return { ok: false, latencyMs: null, message: c.row.configError };
    const probe = this.probes(c.row.kind);
    if (!probe) return { ok: false, latencyMs: null, message: `no probe for kind ${c.row.kind}` };
    // The probe enforces timeoutMs itself (server/adapters/deadline.ts, and the scheduler's watchdog
    // behind it); this signal cancels every check at shutdown.
    return probe(c.row.config, { signal: this.cancel.signal, timeoutMs: c.timeoutMs });
  }

  private onResult(c: Comp, scheduledAt: number, startedAt: number, result: ProbeResult): void {
    if (c.removed || c.row.paused) return;
    const doneAt = Date.now();
    const maintenance = this.fleet.windows.covers(c.id, c.row.serviceId, startedAt);
    const prevState = c.status.state;
    const outcome = applyResult(c.status, c.thresholds, result, { at: doneAt, inMaintenance: maintenance });
    c.status = outcome.status;
    c.lastStartAt = startedAt;
    this.writer.add({
      componentId: c.id,
      serviceId: c.row.serviceId,
      shard: c.row.shard,
      at: startedAt,
      scheduledAt,
      doneAt,
      result,
      prevState,
      outcome,
      raw: true,
      touchLastChecked: true,
      maintenance,
    });
  }
}
