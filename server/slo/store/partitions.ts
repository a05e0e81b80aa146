import type { Sql } from "postgres";
import { advisoryLocks } from "@/db/advisory-locks";

/**
 * Months of sli_minutes partitions kept ready behind now and ahead of it.
 * Behind: as far as minutes are kept (retention drops partitions older than
 * 62 days, server/worker/retention.ts) — creating older ones every hour would
 * only have retention drop them again ten minutes later. Pulled sources never
 * backfill further than that (sources/pull-sources.ts), pushed events are at
 * most 35 days old. The migration itself created 13 months once.
 */
export const SLI_MONTHS_BACK = 2;
export const SLI_MONTHS_AHEAD = 1;

/**
 * Creates the month partitions of sli_minutes around now. Two workers doing
 * this at once would race on CREATE TABLE, so it runs under a
 * transaction-scoped advisory lock (the second waits, then finds the tables).
 */
export async function ensureSliPartitions(sql: Sql): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`set local lock_timeout = '2s'`; // creating a partition locks the parent: never queue writers behind a long read
    await tx`select pg_advisory_xact_lock(${advisoryLocks.sliPartitions})`;
    await tx`select sli_minutes_ensure_partitions(${SLI_MONTHS_BACK}::int, ${SLI_MONTHS_AHEAD}::int)`;
  });
}

/** Drops every month partition of sli_minutes whose whole month ended before `keepAfter`; returns how many. */
export async function dropSliPartitionsBefore(sql: Sql, keepAfter: Date): Promise<number> {
  return sql.begin(async (tx) => {
    await tx`set local lock_timeout = '2s'`;
    await tx`select pg_advisory_xact_lock(${advisoryLocks.sliPartitions})`;
    const [row] = await tx<{ n: number }[]>`select sli_minutes_drop_partitions(${keepAfter.toISOString()}::timestamptz) as n`;
    return row?.n ?? 0;
  });
}
