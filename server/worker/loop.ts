import type { LoopState } from "@/db/schema";
import { log } from "../log";

export type LoopOptions = {
  name: string;
  intervalMs: number;
  run: (signal: AbortSignal) => Promise<void>;
  /** longest back-off after consecutive failures */
  maxBackoffMs?: number;
};

type State = "created" | "active" | "stopping" | "stopped";

/**
 * A worker loop in pg-boss's shape: run, record timing and the last error,
 * then sleep the rest of the interval in a sleep that `wake()` or `stop()` cuts
 * short. Failures back off exponentially (with jitter) instead of spinning and
 * never end the loop.
 */
export class Loop {
  state: State = "created";
  private runs = 0;
  private failures = 0;
  private lastRunAt: Date | null = null;
  private lastError: string | null = null;
  private abort = new AbortController();
  private wakeUp: (() => void) | null = null;
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly opts: LoopOptions) {}

  get name(): string {
    return this.opts.name;
  }

  start(): void {
    if (this.state !== "created") return;
    this.state = "active";
    this.done = this.main();
  }

  wake(): void {
    this.wakeUp?.();
  }

  async stop(deadlineMs = 10_000): Promise<void> {
    if (this.state === "stopped" || this.state === "created") {
      this.state = "stopped";
      return;
    }
    this.state = "stopping";
    this.wakeUp?.();
    const timer = setTimeout(() => this.abort.abort(new Error("shutdown deadline")), deadlineMs);
    await this.done;
    clearTimeout(timer);
    this.state = "stopped";
  }

  snapshot(): LoopState {
    return { state: this.state, lastRunAt: this.lastRunAt?.toISOString() ?? null, lastError: this.lastError, runs: this.runs };
  }

  private async main(): Promise<void> {
    while (this.state === "active") {
      const started = Date.now();
      try {
        await this.opts.run(this.abort.signal);
        this.failures = 0;
        this.lastError = null;
      } catch (err) {
        this.failures += 1;
        this.lastError = err instanceof Error ? err.message : String(err);
        log.warn({ loop: this.opts.name, err, failures: this.failures }, "loop pass failed");
      }
      this.runs += 1;
      this.lastRunAt = new Date();
      if (this.state !== "active") break;
      const backoff = this.failures
        ? Math.min(this.opts.maxBackoffMs ?? 30_000, this.opts.intervalMs * 2 ** Math.min(this.failures, 10)) * (0.5 + Math.random() / 2)
        : 0;
      await this.sleep(Math.max(0, Math.max(backoff, this.opts.intervalMs - (Date.now() - started))));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(t);
        self.wakeUp = null;
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
