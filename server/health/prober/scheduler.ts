import { emptyHistogram, percentile, record } from "../latency-histogram";
import type { ProbeResult } from "../probe-types";
import { type HeapItem, MinHeap } from "./heap";

/** What the scheduler needs of a component. */
export type Schedulable = HeapItem & {
  id: string;
  intervalMs: number;
  timeoutMs: number;
  /** stable offset in [0, intervalMs): runs happen at phase + k·interval */
  phase: number;
  /** not re-armed after a run: the runner calls `schedule()` itself (push components) */
  selfScheduled: boolean;
  /** token of the run in flight; 0 when idle */
  running: number;
  runScheduledAt: number;
  runStartedAt: number;
};

export type SchedulerOptions<T> = {
  /** checks in flight at once; due checks beyond it wait in a FIFO queue */
  concurrency: number;
  /** whether `item` may run now (its shard lease is valid and it is not being handed over) */
  canRun: (item: T, now: number) => boolean;
  /** the check itself; null means the runner recorded the outcome on its own */
  run: (item: T, scheduledAt: number) => Promise<ProbeResult | null>;
  onResult: (item: T, scheduledAt: number, startedAt: number, result: ProbeResult) => void;
  /** a run still going this long after its timeout is abandoned and recorded as failed */
  watchdogGraceMs?: number;
};

export type SchedulerStats = {
  started: number;
  finished: number;
  /** due while the previous run of the same component was still going: skipped */
  overlapSkips: number;
  /** due while its shard was not (or no longer) held: skipped */
  leaseSkips: number;
  /** slots skipped because the process fell more than an interval behind */
  behindSkips: number;
  /** runs that ignored their timeout and were abandoned */
  abandoned: number;
  inFlight: number;
  queued: number;
  latenessP50Ms: number | null;
  latenessP99Ms: number | null;
};

export function phaseOf(id: string, intervalMs: number): number {
  // FNV-1a over the id: stable across processes, spread even for sequential ids.
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % Math.max(1, intervalMs);
}

/** The first run time at or after t. */
export function slotAtOrAfter(t: number, intervalMs: number, phase: number): number {
  return phase + Math.ceil((t - phase) / intervalMs) * intervalMs;
}

/** The run time of the slot that contains t. */
export function slotOf(t: number, intervalMs: number, phase: number): number {
  return phase + Math.floor((t - phase) / intervalMs) * intervalMs;
}

/**
 * Runs each component at its own phase of its interval (so 10,000 components
 * at 10 s start ~1 per ms, not 10,000 at once) from one timer over a min-heap.
 * A run never overlaps the previous run of the same component; a slow or
 * hanging target only occupies one of `concurrency` slots; lateness (actual
 * start − scheduled start) is recorded.
 */
export class Scheduler<T extends Schedulable> {
  private readonly heap = new MinHeap<T>();
  private readonly ready: { item: T; scheduledAt: number }[] = [];
  private readHead = 0;
  private readonly running = new Set<T>();
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Infinity;
  private watchdog: NodeJS.Timeout | undefined;
  private active = false;
  private seq = 0;
  private lateness = emptyHistogram();
  private readonly counts = { started: 0, finished: 0, overlapSkips: 0, leaseSkips: 0, behindSkips: 0, abandoned: 0 };

  constructor(private readonly opts: SchedulerOptions<T>) {}

  get inFlight(): number {
    return this.running.size;
  }

  get size(): number {
    return this.heap.size;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.watchdog = setInterval(() => this.sweep(), 500);
    this.arm();
  }

  /** No new runs start; runs in flight finish (see `idle()`). */
  stop(): void {
    this.active = false;
    clearTimeout(this.timer);
    clearInterval(this.watchdog);
    this.timer = undefined;
    this.armedAt = Infinity;
  }

  schedule(item: T, at: number): void {
    item.nextAt = at;
    this.heap.update(item);
    this.arm();
  }

  unschedule(item: T): void {
    this.heap.remove(item);
  }

  isRunning(item: T): boolean {
    return item.running !== 0;
  }

  /** Resolves when no run matching `filter` is in flight, or at the deadline (false). */
  async idle(deadlineMs: number, filter: (item: T) => boolean = () => true): Promise<boolean> {
    const until = Date.now() + deadlineMs;
    for (;;) {
      let busy = false;
      for (const item of this.running) if (filter(item)) busy = true;
      if (!busy) return true;
      if (Date.now() >= until) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  stats(): SchedulerStats {
    return {
      ...this.counts,
      inFlight: this.running.size,
      queued: this.ready.length - this.readHead,
      latenessP50Ms: percentile(this.lateness, 50),
      latenessP99Ms: percentile(this.lateness, 99),
    };
  }

  /** Starts a fresh lateness window (the stats report lateness since the last reset). */
  resetLateness(): void {
    this.lateness = emptyHistogram();
  }

  private arm(): void {
    if (!this.active) return;
    const top = this.heap.peek();
    if (!top) return;
    if (this.timer && this.armedAt <= top.nextAt) return;
    clearTimeout(this.timer);
    this.armedAt = top.nextAt;
    this.timer = setTimeout(() => this.fire(), Math.max(0, top.nextAt - Date.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedAt = Infinity;
    if (!this.active) return;
    const now = Date.now();
    for (let top = this.heap.peek(); top && top.nextAt <= now; top = this.heap.peek()) {
      const scheduledAt = top.nextAt;
      if (top.selfScheduled) {
        this.heap.pop();
      } else {
        let next = scheduledAt + top.intervalMs;
        if (next <= now) {
          // More than an interval behind (the process was stopped or starved): skip to the next slot.
          next = slotAtOrAfter(now + 1, top.intervalMs, top.phase);
          this.counts.behindSkips += 1;
        }
        top.nextAt = next;
        this.heap.update(top);
      }
      this.dispatch(top, scheduledAt, now);
    }
    this.arm();
  }

  private dispatch(item: T, scheduledAt: number, now: number): void {
    if (item.running !== 0) {
      this.counts.overlapSkips += 1;
      if (item.selfScheduled) this.schedule(item, now + item.intervalMs);
      return;
    }
    if (!this.opts.canRun(item, now)) {
      this.counts.leaseSkips += 1;
      if (item.selfScheduled) this.schedule(item, now + Math.min(item.intervalMs, 5_000));
      return;
    }
    if (this.running.size >= this.opts.concurrency) {
      this.ready.push({ item, scheduledAt });
      return;
    }
    this.begin(item, scheduledAt);
  }

  private begin(item: T, scheduledAt: number): void {
    const startedAt = Date.now();
    const token = ++this.seq;
    item.running = token;
    item.runScheduledAt = scheduledAt;
    item.runStartedAt = startedAt;
    this.running.add(item);
    this.counts.started += 1;
    record(this.lateness, Math.max(0, startedAt - scheduledAt));
    let p: Promise<ProbeResult | null>;
    try {
      p = this.opts.run(item, scheduledAt);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (r) => this.finish(item, token, r),
      (err: unknown) => this.finish(item, token, { ok: false, latencyMs: null, message: `probe failed: ${err instanceof Error ? err.message : String(err)}` }),
    );
  }

  private finish(item: T, token: number, result: ProbeResult | null): void {
    if (item.running !== token) return; // abandoned by the watchdog; a late answer is ignored
    item.running = 0;
    this.running.delete(item);
    this.counts.finished += 1;
    if (result) this.opts.onResult(item, item.runScheduledAt, item.runStartedAt, result);
    this.startQueued();
  }

  private startQueued(): void {
    while (this.running.size < this.opts.concurrency && this.readHead < this.ready.length) {
      const { item, scheduledAt } = this.ready[this.readHead]!;
      this.readHead += 1;
      if (item.running !== 0) this.counts.overlapSkips += 1;
      else if (!this.active || !this.opts.canRun(item, Date.now())) this.counts.leaseSkips += 1;
      else this.begin(item, scheduledAt);
    }
    if (this.readHead > 1024 && this.readHead * 2 > this.ready.length) {
      this.ready.splice(0, this.readHead);
      this.readHead = 0;
    }
  }

  private sweep(): void {
    const now = Date.now();
    const grace = this.opts.watchdogGraceMs ?? 2_000;
    for (const item of this.running) {
      if (now - item.runStartedAt <= item.timeoutMs + grace) continue;
      item.running = 0;
      this.running.delete(item);
      this.counts.abandoned += 1;
      this.opts.onResult(item, item.runScheduledAt, item.runStartedAt, {
        ok: false,
        latencyMs: now - item.runStartedAt,
        message: `no answer within the ${item.timeoutMs} ms timeout (the check did not stop)`,
      });
    }
    this.startQueued();
  }
}
