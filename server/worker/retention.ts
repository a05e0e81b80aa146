import type { Sql } from "postgres";
import { advisoryLocks } from "@/db/advisory-locks";

/** Only one worker prunes at a time; the others skip this pass. */
const RETENTION_LOCK = advisoryLocks.retention;

/**
 * Housekeeping for small bookkeeping tables. (Metric tables added later are
 * time-partitioned and dropped by partition, not deleted row by row.)
 */
export async function pruneOnce(sql: Sql): Promise<{ skipped: boolean; deleted: number }> {
  return sql.begin(async (tx) => {
    const [lock] = await tx<{ ok: boolean }[]>`select pg_try_advisory_xact_lock(${RETENTION_LOCK}) as ok`;
    if (!lock?.ok) return { skipped: true, deleted: 0 };
    const a = await tx`delete from login_attempts where at < now() - interval '1 day'`;
    const b = await tx`delete from worker_heartbeats where status <> 'running' and last_seen_at < now() - interval '7 days'`;
    const c = await tx`delete from events where created_at < now() - interval '30 days'`;
    return { skipped: false, deleted: a.count + b.count + c.count };
  });
}
