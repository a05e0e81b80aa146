import { log as logger } from "../log";

/** What one renewal found; a thrown error means "could not tell" (a transient database error) and is retried. */
export type RenewResult = { ok: true } | { ok: false; why: string };

export type LeaseKeeperOptions = {
  leaseMs: number;
  renewMs: number;
  /** how long before the lease runs out the run gives up; default min(2 s, leaseMs / 4) */
  marginMs?: number;
  /** performance.now() taken just before the statement that last set the lease (the claim) */
  leaseSetAt: number;
  renew: () => Promise<RenewResult>;
  /** called at most once */
  onLost: (why: string) => void;
  /** for the log lines */
  operationId: string;
};

const DEFAULT_MARGIN_MS = 2_000;

/**
 * Keeps a run's lease. A renewal that finds the lease gone (another worker,
 * or the lock's connection replaced) stops the run at once. A renewal that
 * merely fails is retried at the renew cadence: nobody can claim the
 * operation before the lease runs out, so the run goes on until shortly
 * before that — a database blip must not stop a switchover half-way.
 * Deadlines are measured on the monotonic clock from the moment each
 * successful renewal was *sent* (the database's now() is at or after it),
 * so they never outlive the lease the database holds.
 */
export class LeaseKeeper {
  private lastOk: number;
  private lastError: string | null = null;
  private inFlight = false;
  private done = false;
  private interval: NodeJS.Timeout | null = null;
  private deadline: NodeJS.Timeout | null = null;
  private readonly marginMs: number;

  constructor(private readonly o: LeaseKeeperOptions) {
    this.lastOk = o.leaseSetAt;
    this.marginMs = o.marginMs ?? Math.min(DEFAULT_MARGIN_MS, o.leaseMs / 4);
  }

  start(): void {
    this.interval = setInterval(() => this.tick(), this.o.renewMs);
    this.armDeadline();
  }

  stop(): void {
    this.done = true;
    if (this.interval) clearInterval(this.interval);
    if (this.deadline) clearTimeout(this.deadline);
    this.interval = this.deadline = null;
  }

  private lose(why: string): void {
    if (this.done) return;
    this.stop();
    this.o.onLost(why);
  }

  /** Re-armed after every successful renewal; also fires while a renewal hangs. */
  private armDeadline(): void {
    if (this.deadline) clearTimeout(this.deadline);
    const left = this.lastOk + this.o.leaseMs - this.marginMs - performance.now();
    this.deadline = setTimeout(() => {
      const secs = ((performance.now() - this.lastOk) / 1000).toFixed(1);
      this.lose(`the lease was not renewed for ${secs} s${this.lastError ? ` (last error: ${this.lastError})` : ""} and runs out soon`);
    }, Math.max(0, left));
  }

  private tick(): void {
    // one renewal at a time: a hanging one must not queue more behind it on the lock's connection
    if (this.done || this.inFlight) return;
    this.inFlight = true;
    const sentAt = performance.now();
    this.o
      .renew()
      .then(
        (r) => {
          if (this.done) return;
          if (!r.ok) return this.lose(r.why);
          this.lastOk = sentAt;
          this.lastError = null;
          this.armDeadline();
        },
        (err: unknown) => {
          if (this.done) return;
          this.lastError = err instanceof Error ? err.message : String(err);
          logger.warn({ err, operationId: this.o.operationId }, "lease renewal failed; retrying until the lease would run out");
        },
      )
      .finally(() => {
        this.inFlight = false;
      });
  }
}
