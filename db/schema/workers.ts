import { integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export type LoopState = { state: string; lastRunAt: string | null; lastError: string | null; runs: number };

/** One row per worker process; `lastSeenAt` older than the stale limit means the worker is gone. */
export const workerHeartbeats = pgTable("worker_heartbeats", {
  workerId: text().primaryKey(),
  hostname: text().notNull(),
  pid: integer().notNull(),
  version: text().notNull(),
  /** running | stopping | stopped */
  status: text().notNull(),
  startedAt: timestamp({ withTimezone: true }).notNull(),
  lastSeenAt: timestamp({ withTimezone: true }).notNull(),
  loops: jsonb().$type<Record<string, LoopState>>().notNull().default({}),
});
