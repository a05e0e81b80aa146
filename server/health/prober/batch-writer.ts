import type { Sql } from "postgres";
import { log } from "../../log";
import { Batch, type CheckRecord, persistBatch } from "./persist";
import { ensurePartitions } from "./partitions";
import { RollupAccumulator } from "./rollups";

export type WriterOptions = {
  sql: Sql;
  /** the fence: status is written only for shards this worker holds */
  workerId: string;
  flushMs: number;
  /** flush early once this many results are buffered */
  maxBatch?: number;
  /** raw results kept in memory while the database is unreachable; beyond it the oldest raw rows are dropped (status is kept) */
  maxBuffered?: number;
  /** status rows the compare-and-set refused (someone else changed the state): reload them */
  onRejected?: (ids: string[]) => void;
};

export type WriterStats = { flushes: number; results: number; failures: number; lastFlushMs: number; lastError: string | null; buffered: number };

const TRANSIENT = new Set(["40P01", "40001", "23503"]);

/**
 * Buffers check records and writes them every `flushMs` (or at `maxBatch`)
 * in one transaction each (persist.ts). A failed write keeps its batch and is
 * retried first next time, so status updates stay in order.
 */
export class BatchWriter {
  private batch = new Batch();
  private failed: Batch[] = [];
  private readonly rollups = new RollupAccumulator();
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private busy = false;
  private earlyQueued = false;
  /** after failures, timer flushes wait until then (explicit flushes do not) */
  private retryAt = 0;
  private failuresInARow = 0;
  readonly stats: WriterStats = { flushes: 0, results: 0, failures: 0, lastFlushMs: 0, lastError: null, buffered: 0 };

  constructor(private readonly opts: WriterOptions) {}

  start(): void {
    this.timer ??= setInterval(() => {
      if (!this.busy && Date.now() >= this.retryAt) void this.flush();
    }, this.opts.flushMs);
  }

  add(rec: CheckRecord): void {
    this.batch.add(rec);
    if (rec.raw) this.rollups.add(rec.componentId, rec.at, rec.result.ok, rec.result.latencyMs, rec.maintenance);
    if (this.batch.results >= (this.opts.maxBatch ?? 1000) && !this.busy && !this.earlyQueued && this.retryAt === 0) {
      this.earlyQueued = true;
      setImmediate(() => {
        this.earlyQueued = false;
        if (!this.busy) void this.flush();
      });
    }
  }

  /**
   * Writes everything buffered (and finished rollup minutes; every open one
   * with `allRollups`, or those of `componentIds`). Resolves true when nothing
   * is left unwritten.
   */
  flush(opts: { allRollups?: boolean; componentIds?: ReadonlySet<string> } = {}): Promise<boolean> {
    const run = this.chain.then(() => this.write(opts));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Stops the timer and writes what is left (all open rollup minutes too). */
  async stop(): Promise<boolean> {
    clearInterval(this.timer);
    this.timer = undefined;
    return this.flush({ allRollups: true });
  }

  /** Drops everything unwritten, like a killed process (tests of takeover). */
  halt(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.batch = new Batch();
    this.failed = [];
  }

  private async write(opts: { allRollups?: boolean; componentIds?: ReadonlySet<string> }): Promise<boolean> {
    this.busy = true;
    const started = performance.now();
    try {
      const current = this.batch;
      this.batch = new Batch();
      current.rollups = this.rollups.take(Date.now(), { all: opts.allRollups, componentIds: opts.componentIds });
      if (!current.empty) this.failed.push(current);
      while (this.failed.length > 0) {
        const b = this.failed[0]!;
        try {
          const out = await this.persistWithRetry(b);
          this.failed.shift();
          this.stats.flushes += 1;
          this.stats.results += b.results;
          if (out.rejected.length > 0) this.opts.onRejected?.(out.rejected);
        } catch (err) {
          this.stats.failures += 1;
          this.failuresInARow += 1;
          this.retryAt = Date.now() + Math.min(30_000, this.opts.flushMs * 2 ** Math.min(this.failuresInARow, 10));
          this.stats.lastError = err instanceof Error ? err.message : String(err);
          log.warn({ err, pendingBatches: this.failed.length }, "prober: writing results failed; will retry");
          this.shed();
          return false;
        }
      }
      this.stats.lastError = null;
      this.failuresInARow = 0;
      this.retryAt = 0;
      return true;
    } finally {
      this.stats.lastFlushMs = performance.now() - started;
      this.stats.buffered = this.batch.results + this.failed.reduce((n, b) => n + b.results, 0);
      this.busy = false;
    }
  }

  private async persistWithRetry(b: Batch) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.opts.sql.begin((tx) => persistBatch(tx, b, this.opts.workerId));
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (attempt >= 2) throw err;
        if (code === "23514") await ensurePartitions(this.opts.sql); // no partition for a row's day yet
        else if (!code || !TRANSIENT.has(code)) throw err;
      }
    }
  }

  /** While the database is away, raw rows are the one thing that may be lost: drop the oldest beyond the cap. */
  private shed(): void {
    const cap = this.opts.maxBuffered ?? 200_000;
    let total = this.failed.reduce((n, b) => n + b.results, 0);
    for (const b of this.failed) {
      if (total <= cap) break;
      const n = b.results;
      for (const col of [b.ids, b.ats, b.oks, b.latencies, b.messages, b.scheduled]) col.length = 0;
      total -= n;
      log.warn({ dropped: n }, "prober: dropped buffered raw results while the database is unreachable");
    }
  }
}
