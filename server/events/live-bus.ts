import { EventEmitter } from "node:events";
import { getDb, getSql } from "@/db/client";
import { env } from "../config/env";
import { log } from "../log";
import { LIVE_CHANNEL, type LiveMessage, liveMessage } from "./live-types";
import { type WorkerRow, type WorkerSummary, loadWorkerRows, summarizeWorkers, summaryKey } from "./worker-status";

/**
 * The web process's single LISTEN connection, fanned out in memory to every
 * subscription. It also keeps the worker summary: heartbeats arrive by NOTIFY,
 * silence is noticed by a local timer, and a slow DB refresh covers missed
 * notifications.
 */
export class LiveBus {
  readonly emitter = new EventEmitter();
  private rows = new Map<string, WorkerRow>();
  private summary: WorkerSummary = { state: "unknown", workers: [], checkedAt: new Date() };
  private lastKey = "";
  private timers: NodeJS.Timeout[] = [];
  private unlisten: (() => Promise<void>) | undefined;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  async start(): Promise<void> {
    const listener = await getSql().listen(LIVE_CHANNEL, (payload) => this.onNotify(payload), () => {
      // (Re)connected: anything sent while the connection was down is replayed by subscribers from the table.
      this.emitter.emit("reconnect");
      void this.refreshWorkers();
    });
    this.unlisten = listener.unlisten;
    await this.refreshWorkers();
    this.timers.push(setInterval(() => this.recompute(), 1000).unref());
    this.timers.push(setInterval(() => void this.refreshWorkers(), 10_000).unref());
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.unlisten?.().catch(() => undefined);
  }

  workers(): WorkerSummary {
    return this.summary;
  }

  private onNotify(payload: string): void {
    let msg: LiveMessage;
    try {
      msg = liveMessage.parse(JSON.parse(payload));
    } catch {
      log.warn({ payload: payload.slice(0, 200) }, "ignored malformed live message");
      return;
    }
    if (msg.k === "heartbeat") {
      const row = this.rows.get(msg.workerId);
      if (row) this.rows.set(msg.workerId, { ...row, status: msg.status, lastSeenAt: new Date(msg.at) });
      else void this.refreshWorkers();
      this.recompute();
    } else if (msg.k === "audit") {
      this.emitter.emit("audit", msg.id);
    } else {
      this.emitter.emit("event", msg);
    }
  }

  private async refreshWorkers(): Promise<void> {
    try {
      const rows = await loadWorkerRows(getDb());
      this.rows = new Map(rows.map((r) => [r.workerId, r]));
      this.recompute();
    } catch (err) {
      log.warn({ err }, "worker status refresh failed");
    }
  }

  private recompute(): void {
    const next = summarizeWorkers([...this.rows.values()], env().BULWARK_WORKER_STALE_MS);
    this.summary = next;
    const key = summaryKey(next);
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.emitter.emit("workers", next);
    }
  }
}

const g = globalThis as unknown as { __bulwarkLiveBus?: Promise<LiveBus> };

export function liveBus(): Promise<LiveBus> {
  if (!g.__bulwarkLiveBus) {
    const bus = new LiveBus();
    g.__bulwarkLiveBus = bus.start().then(
      () => bus,
      (err: unknown) => {
        g.__bulwarkLiveBus = undefined;
        throw err;
      },
    );
  }
  return g.__bulwarkLiveBus;
}
