import { desc } from "drizzle-orm";
import type { Db } from "@/db/client";
import { workerHeartbeats } from "@/db/schema";

export type WorkerRow = typeof workerHeartbeats.$inferSelect;
export type WorkerView = {
  workerId: string;
  hostname: string;
  pid: number;
  version: string;
  status: string;
  startedAt: Date;
  lastSeenAt: Date;
  /** running and seen recently */
  alive: boolean;
};
export type WorkerSummary = { state: "up" | "down" | "unknown"; workers: WorkerView[]; checkedAt: Date };

/** Workers that stopped or went silent more than an hour ago are history, not news. */
const FORGET_AFTER_MS = 60 * 60_000;

export function summarizeWorkers(rows: readonly WorkerRow[], staleMs: number, now = Date.now()): WorkerSummary {
  const workers = rows
    .filter((r) => now - r.lastSeenAt.getTime() < FORGET_AFTER_MS || r.status === "running")
    .map((r) => ({
      workerId: r.workerId,
      hostname: r.hostname,
      pid: r.pid,
      version: r.version,
      status: r.status,
      startedAt: r.startedAt,
      lastSeenAt: r.lastSeenAt,
      alive: r.status === "running" && now - r.lastSeenAt.getTime() <= staleMs,
    }));
  const state = workers.some((w) => w.alive) ? "up" : rows.length === 0 ? "unknown" : "down";
  return { state, workers, checkedAt: new Date(now) };
}

export async function loadWorkerRows(db: Db): Promise<WorkerRow[]> {
  return db.select().from(workerHeartbeats).orderBy(desc(workerHeartbeats.lastSeenAt)).limit(100);
}

/** A fingerprint that changes only when something a person would notice changes. */
export function summaryKey(s: WorkerSummary): string {
  return s.state + "|" + s.workers.map((w) => `${w.workerId}:${w.status}:${w.alive}`).join(",");
}
