import type { Sql } from "postgres";
import { advisoryLocks } from "@/db/advisory-locks";

/** Only one worker prunes at a time; the others skip this pass. */
const RETENTION_LOCK = advisoryLocks.retention;

export type RetentionOptions = {
  /** raw probe_results older than this go, by whole day partitions (default 48 h) */
  rawRetentionHours?: number;
  /** probe_rollups_1m older than this go (default 400 days) */
  rollupRetentionDays?: number;
  /** rows deleted per rollup statement, and the time one pass may spend on rollups */
  rollupChunk?: number;
  rollupBudgetMs?: number;
};

export type RetentionResult = { skipped: boolean; deleted: number; partitionsDropped: number; rollupsDeleted: number };

/**
 * Housekeeping: small bookkeeping tables by DELETE; raw probe results by
 * dropping whole day partitions (never a DELETE over millions of rows); old
 * per-minute rollups in bounded chunks, each its own short statement, within
 * a time budget per pass (the next pass continues). Rollups of deleted
 * components are not reached here: probe_rollups_1m has no foreign key and
 * no index on `minute` alone (monthly partitions would fix both).
 */
export async function pruneOnce(sql: Sql, opts: RetentionOptions = {}): Promise<RetentionResult> {
  const rawHours = opts.rawRetentionHours ?? 48;
  const rollupDays = opts.rollupRetentionDays ?? 400;
  const chunk = opts.rollupChunk ?? 10_000;
  const budgetMs = opts.rollupBudgetMs ?? 5_000;
  // A session lock on a reserved connection (held across several transactions run on the pool).
  const conn = await sql.reserve();
  try {
    const [lock] = await conn<{ ok: boolean }[]>`select pg_try_advisory_lock(${RETENTION_LOCK}) as ok`;
    if (!lock?.ok) return { skipped: true, deleted: 0, partitionsDropped: 0, rollupsDeleted: 0 };
    try {
      const [a, b, c] = await sql.begin((tx) => [
        tx`delete from login_attempts where at < now() - interval '1 day'`,
        tx`delete from worker_heartbeats where status <> 'running' and last_seen_at < now() - interval '7 days'`,
        tx`delete from events where created_at < now() - interval '30 days'`,
      ]);
      const partitionsDropped = await sql.begin(async (tx) => {
        // DROP of a partition locks the parent: behind a long read it would queue every insert after it.
        // Give up quickly instead; the next pass tries again.
        await tx`set local lock_timeout = '2s'`;
        await tx`select pg_advisory_xact_lock(${advisoryLocks.probePartitions})`;
        const [row] = await tx<{ n: number }[]>`select probe_results_drop_partitions(now() - ${rawHours} * interval '1 hour') as n`;
        return row?.n ?? 0;
      });
      let rollupsDeleted = 0;
      const until = Date.now() + budgetMs;
      for (;;) {
        // Per component through the (component_id, minute) index: the table has no index on minute alone,
        // and a pass that finds nothing to delete must not scan every rollup ever written.
        const r = await sql`
          delete from probe_rollups_1m where ctid = any(array(
            select old.ctid from components c cross join lateral (
              select ctid from probe_rollups_1m
              where component_id = c.id and minute < now() - ${rollupDays} * interval '1 day' limit ${chunk}) old
            limit ${chunk}))`;
        rollupsDeleted += r.count;
        if (r.count < chunk || Date.now() > until) break;
      }
      return { skipped: false, deleted: (a?.count ?? 0) + (b?.count ?? 0) + (c?.count ?? 0), partitionsDropped, rollupsDeleted };
    } finally {
      await conn`select pg_advisory_unlock(${RETENTION_LOCK})`;
    }
  } finally {
    conn.release();
  }
}
