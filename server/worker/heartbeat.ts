import type { Sql } from "postgres";
import type { LoopState } from "@/db/schema";
import { LIVE_CHANNEL } from "../events/live-types";

export type WorkerIdentity = { workerId: string; hostname: string; pid: number; version: string; startedAt: Date };

/**
 * Upserts this worker's row and announces it, in one statement: a heartbeat
 * that is written is always also sent, and vice versa. (`loops` goes as text
 * cast to jsonb: a string bound straight to a jsonb parameter is JSON-encoded
 * once more by postgres.js and would be stored as one JSON string.)
 */
export async function beat(sql: Sql, me: WorkerIdentity, status: "running" | "stopping" | "stopped", loops: Record<string, LoopState>): Promise<void> {
  await sql`
    with up as (
      insert into worker_heartbeats (worker_id, hostname, pid, version, status, started_at, last_seen_at, loops)
      values (${me.workerId}, ${me.hostname}, ${me.pid}, ${me.version}, ${status}, ${me.startedAt.toISOString()}::timestamptz, now(), ${JSON.stringify(loops)}::text::jsonb)
      on conflict (worker_id) do update
        set status = excluded.status, last_seen_at = now(), loops = excluded.loops
      returning worker_id, status, last_seen_at
    )
    select pg_notify(${LIVE_CHANNEL}, json_build_object('k', 'heartbeat', 'workerId', worker_id, 'status', status, 'at', last_seen_at)::text)
    from up`;
}
