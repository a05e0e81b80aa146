import type { Sql } from "postgres";
import { advisoryLocks } from "@/db/advisory-locks";

/** Days of probe_results partitions kept ready ahead of today (UTC). */
export const DAYS_AHEAD = 2;

/**
 * Creates the day partitions of probe_results for today and the next
 * DAYS_AHEAD days, and the month partitions of probe_rollups_1m for this
 * month and the next. Two workers doing this at once would race on CREATE TABLE,
 * so it runs under a transaction-scoped advisory lock (the second waits, then
 * finds the tables there).
 */
export async function ensurePartitions(sql: Sql, daysAhead = DAYS_AHEAD): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`set local lock_timeout = '2s'`; // creating a partition locks the parent: never queue the writer behind a long read
    await tx`select pg_advisory_xact_lock(${advisoryLocks.probePartitions})`;
    await tx`select probe_results_ensure_partitions(${daysAhead}::int)`;
    // Rollups are partitioned by month: this month and the next.
    await tx`select probe_rollups_ensure_partitions(1)`;
  });
}

/** Drops every day partition whose whole day ended before `keepAfter`; returns how many. */
export async function dropPartitionsBefore(sql: Sql, keepAfter: Date): Promise<number> {
  return sql.begin(async (tx) => {
    await tx`set local lock_timeout = '2s'`;
    await tx`select pg_advisory_xact_lock(${advisoryLocks.probePartitions})`;
    const [row] = await tx<{ n: number }[]>`select probe_results_drop_partitions(${keepAfter.toISOString()}::timestamptz) as n`;
    return row?.n ?? 0;
  });
}

/** The day partitions that exist, oldest first (YYYYMMDD). */
export async function listPartitions(sql: Sql): Promise<string[]> {
  const rows = await sql<{ day: string }[]>`
    select substring(c.relname from 15) as day from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'probe_results'::regclass order by c.relname`;
  return rows.map((r) => r.day);
}
