import type { Sql } from "postgres";
import { advisoryLocks } from "@/db/advisory-locks";

/** Only one worker prunes at a time; the others skip this pass. */
const RETENTION_LOCK = advisoryLocks.retention;

export type RetentionOptions = {
  /** raw probe_results older than this go, by whole day partitions (default 48 h) */
  rawRetentionHours?: number;
  /** probe_rollups_1m older than this go, by whole month partitions (default 400 days; a month stays until all of it is older) */
  rollupRetentionDays?: number;
};

export type RetentionResult = { skipped: boolean; deleted: number; partitionsDropped: number; rollupPartitionsDropped: number };

/**
 * Housekeeping: small bookkeeping tables by DELETE; raw probe results by
 * dropping whole day partitions and per-minute rollups by dropping whole month
 * partitions (never a DELETE over millions of rows). Rollups of deleted
 * components go with their month.
 */
export async function pruneOnce(sql: Sql, opts: RetentionOptions = {}): Promise<RetentionResult> {
  const rawHours = opts.rawRetentionHours ?? 48;
  const rollupDays = opts.rollupRetentionDays ?? 400;
  // A session lock on a reserved connection (held across several transactions run on the pool).
  const conn = await sql.reserve();
  try {
    const [lock] = await conn<{ ok: boolean }[]>`select pg_try_advisory_lock(${RETENTION_LOCK}) as ok`;
    if (!lock?.ok) return { skipped: true, deleted: 0, partitionsDropped: 0, rollupPartitionsDropped: 0 };
    try {
      const [a, b, c] = await sql.begin((tx) => [
        tx`delete from login_attempts where at < now() - interval '1 day'`,
        tx`delete from worker_heartbeats where status <> 'running' and last_seen_at < now() - interval '7 days'`,
        tx`delete from events where created_at < now() - interval '30 days'`,
      ]);
      const [partitionsDropped, rollupPartitionsDropped] = await sql.begin(async (tx) => {
        // DROP of a partition locks the parent: behind a long read it would queue every insert after it.
        // Give up quickly instead; the next pass tries again.
        await tx`set local lock_timeout = '2s'`;
        await tx`select pg_advisory_xact_lock(${advisoryLocks.probePartitions})`;
        const [raw] = await tx<{ n: number }[]>`select probe_results_drop_partitions(now() - ${rawHours} * interval '1 hour') as n`;
        const [rolled] = await tx<{ n: number }[]>`select probe_rollups_drop_partitions(now() - ${rollupDays} * interval '1 day') as n`;
        return [raw?.n ?? 0, rolled?.n ?? 0] as const;
      });
      return { skipped: false, deleted: (a?.count ?? 0) + (b?.count ?? 0) + (c?.count ?? 0), partitionsDropped, rollupPartitionsDropped };
    } finally {
      await conn`select pg_advisory_unlock(${RETENTION_LOCK})`;
    }
  } finally {
    conn.release();
  }
}
