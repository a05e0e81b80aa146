import type { Sql } from "postgres";
import { MAX_AGE_MS } from "../slo/ingest";
import { DAY_MS } from "../slo/math/time";
import { advisoryLocks } from "@/db/advisory-locks";
import { dropSliPartitionsBefore } from "../slo/store/partitions";

/** Only one worker prunes at a time; the others skip this pass. */
const RETENTION_LOCK = advisoryLocks.retention;

export type RetentionOptions = {
  /** raw probe_results older than this go, by whole day partitions (default 48 h) */
  rawRetentionHours?: number;
  /** probe_rollups_1m older than this go, by whole month partitions (default 400 days; a month stays until all of it is older) */
  rollupRetentionDays?: number;
};

export type RetentionResult = {
  skipped: boolean;
  deleted: number;
  partitionsDropped: number;
  rollupPartitionsDropped: number;
  /** sli_minutes month partitions dropped (hour and day rollups stay: they carry the long windows and reports) */
  sliPartitionsDropped: number;
};

/**
 * SLI minutes are kept 62 days. Windows read whole days and hours from the
 * rollups (kept) and minutes only at their edges: a calendar window starts on
 * a day boundary and rolling windows up to 60 days find their edge minutes,
 * so only the start edge (< 1 hour) of a longer rolling window reads as empty.
 */
export const SLI_MINUTE_RETENTION_DAYS = 62;
/** `slo.breach` / `slo.recovered` outbox rows, which the monthly SLO report counts (other events go after 30 days). */
export const SLO_BREACH_EVENT_RETENTION_DAYS = 400;

/**
 * Idempotency keys of pushed SLI batches live as long as their events may be
 * accepted (MAX_AGE_MS, server/slo/ingest.ts) plus a day: a batch replayed late
 * must still be recognised, or it would be counted twice.
 */
export const SLI_BATCH_KEY_RETENTION_DAYS = MAX_AGE_MS / DAY_MS + 1;

/**
 * Housekeeping: small bookkeeping tables by DELETE; raw probe results by
 * dropping whole day partitions and per-minute rollups by dropping whole month
 * partitions (never a DELETE over millions of rows). Rollups of deleted
 * components go with their month; so do SLI minutes (sli_minutes).
 */
export async function pruneOnce(sql: Sql, opts: RetentionOptions = {}): Promise<RetentionResult> {
  const rawHours = opts.rawRetentionHours ?? 48;
  const rollupDays = opts.rollupRetentionDays ?? 400;
  // A session lock on a reserved connection (held across several transactions run on the pool).
  const conn = await sql.reserve();
  try {
    const [lock] = await conn<{ ok: boolean }[]>`select pg_try_advisory_lock(${RETENTION_LOCK}) as ok`;
    if (!lock?.ok) return { skipped: true, deleted: 0, partitionsDropped: 0, rollupPartitionsDropped: 0, sliPartitionsDropped: 0 };
    try {
      const [a, b, c, d] = await sql.begin((tx) => [
        tx`delete from login_attempts where at < now() - interval '1 day'`,
        tx`delete from worker_heartbeats where status <> 'running' and last_seen_at < now() - interval '7 days'`,
        // SLO breaches stay as long as the rollups they are reported with: monthly reports count them.
        tx`delete from events where created_at < now() - interval '30 days'
             and (type not in ('slo.breach', 'slo.recovered') or created_at < now() - ${SLO_BREACH_EVENT_RETENTION_DAYS} * interval '1 day')`,
        tx`delete from sli_ingest_batches where received_at < now() - ${SLI_BATCH_KEY_RETENTION_DAYS} * interval '1 day'`,
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
      const sliPartitionsDropped = await dropSliPartitionsBefore(sql, new Date(Date.now() - SLI_MINUTE_RETENTION_DAYS * 86_400_000));
      return {
        skipped: false,
        deleted: (a?.count ?? 0) + (b?.count ?? 0) + (c?.count ?? 0) + (d?.count ?? 0),
        partitionsDropped,
        rollupPartitionsDropped,
        sliPartitionsDropped,
      };
    } finally {
      await conn`select pg_advisory_unlock(${RETENTION_LOCK})`;
    }
  } finally {
    conn.release();
  }
}
