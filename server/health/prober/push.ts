import type { Sql, TransactionSql } from "postgres";
import type { Db } from "@/db/client";
import { getSql } from "@/db/client";
import { emptyHistogram } from "../latency-histogram";
import { type MaintenanceWindow, windowCovers } from "../maintenance";
import type { ProbeResult } from "../probe-types";
import { applyResult, healthFromStored, type Status, type Thresholds, unknownStatus } from "../state-machine";
import type { HealthState } from "../schemas";
import { ensurePartitions } from "./partitions";
import { Batch, persistBatch } from "./persist";
import type { RollupRow } from "./rollups";

/**
 * Push components are not probed: a job calls their heartbeat URL. A beat is
 * a successful result (recordPushBeat, called by the web route); the shard
 * owner's scheduler calls evaluatePush when the next beat is due, and a beat
 * missing past interval + grace is a failed result. Both run the same state
 * machine under a row lock on component_status, so a beat and a verdict
 * arriving together are applied one after the other. The prober keeps no
 * in-memory status for push components.
 */
export type PushComponent = Thresholds & {
  id: string;
  serviceId: string;
  shard: number;
  intervalMs: number;
  graceMs: number;
  createdAt: number;
};

type Locked = {
  state: HealthState;
  state_since: number;
  last_checked_at: number | null;
  last_ok: boolean | null;
  last_message: string | null;
  consecutive_failures: number;
  consecutive_successes: number;
};

async function lockStatus(tx: TransactionSql, id: string): Promise<Locked | undefined> {
  const [row] = await tx<Locked[]>`
    select state, (extract(epoch from state_since) * 1000)::float8 as state_since,
      (extract(epoch from last_checked_at) * 1000)::float8 as last_checked_at,
      last_ok, last_message, consecutive_failures, consecutive_successes
    from component_status where component_id = ${id} for update`;
  return row;
}

function statusOf(row: Locked | undefined, t: Thresholds): Status {
  if (!row) return unknownStatus();
  return {
    state: row.state,
    health: healthFromStored(row.state, row.consecutive_failures, t),
    stateSince: row.state_since,
    consecutiveFailures: row.consecutive_failures,
    consecutiveSuccesses: row.consecutive_successes,
    lastOk: row.last_ok,
    lastMessage: row.last_message,
  };
}

function oneRollup(componentId: string, at: number, ok: boolean, maintenance: boolean): RollupRow {
  return { componentId, minute: at - (at % 60_000), checks: 1, failures: ok ? 0 : 1, hist: emptyHistogram(), maintenance };
}

async function record(tx: TransactionSql, c: PushComponent, row: Locked | undefined, result: ProbeResult, opts: { at: number; scheduledAt: number | null; beat: boolean; maintenance: boolean; fence: string | null }) {
  const prev = statusOf(row, c);
  const outcome = applyResult(prev, c, result, { at: opts.at, inMaintenance: opts.maintenance });
  const batch = new Batch();
  batch.add({
    componentId: c.id,
    serviceId: c.serviceId,
    shard: c.shard,
    at: opts.at,
    scheduledAt: opts.scheduledAt,
    doneAt: opts.at,
    result,
    prevState: prev.state,
    outcome,
    raw: true,
    touchLastChecked: opts.beat,
    maintenance: opts.maintenance,
  });
  batch.rollups = [oneRollup(c.id, opts.at, result.ok, opts.maintenance)];
  await persistBatch(tx, batch, opts.fence);
  return outcome.status.state;
}

async function withPartitions<T>(sql: Sql, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if ((err as { code?: string }).code !== "23514") throw err;
    await ensurePartitions(sql); // no partition for today yet (no worker has run for days)
    return fn();
  }
}

/**
 * A heartbeat arrived for a push component: record a successful result.
 * Returns the component's state afterwards, or null when it is not a push
 * component or is paused.
 */
export async function recordPushBeat(db: Db, componentId: string, now = Date.now()): Promise<{ state: HealthState } | null> {
  const sql = (db as Db & { $client?: Sql }).$client ?? getSql();
  return withPartitions(sql, () =>
    sql.begin(async (tx) => {
      const [c] = await tx<{ id: string; service_id: string; shard: number; interval_ms: number; unhealthy_threshold: number; healthy_threshold: number; paused: boolean; config: { graceMs?: number }; created_at: number }[]>`
        select id, service_id, shard, interval_ms, unhealthy_threshold, healthy_threshold, paused, config,
          (extract(epoch from created_at) * 1000)::float8 as created_at
        from components where id = ${componentId} and kind = 'push'`;
      if (!c || c.paused) return null;
      const comp: PushComponent = {
        id: c.id,
        serviceId: c.service_id,
        shard: c.shard,
        intervalMs: c.interval_ms,
        graceMs: c.config.graceMs ?? 0,
        createdAt: c.created_at,
        unhealthyThreshold: c.unhealthy_threshold,
        healthyThreshold: c.healthy_threshold,
        degradedLatencyMs: null,
      };
      const row = await lockStatus(tx, c.id);
      const windows = await tx<{ id: string; starts_at: Date; ends_at: Date; recurrence: MaintenanceWindow["recurrence"] }[]>`
        select id, starts_at, ends_at, recurrence from maintenance_windows where component_id = ${c.id} or service_id = ${c.service_id}`;
      const maintenance = windows.some((w) =>
        windowCovers({ id: w.id, componentId: c.id, serviceId: null, startsAt: w.starts_at, endsAt: w.ends_at, recurrence: w.recurrence }, now),
      );
      const state = await record(tx, comp, row, { ok: true, latencyMs: null, message: "heartbeat received" }, { at: now, scheduledAt: null, beat: true, maintenance, fence: null });
      return { state };
    }),
  );
}

/**
 * The shard owner's check of a push component: if the beat that was due
 * (last beat + (misses + 1) × interval + grace) has not come, record a miss.
 * Returns when to look next. Does nothing if this worker no longer holds the
 * component's shard.
 */
export async function evaluatePush(sql: Sql, workerId: string, c: PushComponent, inMaintenance: (t: number) => boolean): Promise<number> {
  return withPartitions(sql, () =>
    sql.begin(async (tx) => {
      const [lease] = await tx`select 1 from probe_shard_leases where shard = ${c.shard} and owner = ${workerId} and lease_until > now() for share`;
      const now = Date.now();
      if (!lease) return now + Math.min(c.intervalMs, 5_000);
      const row = await lockStatus(tx, c.id);
      // Counted from the last beat, or from creation / resume when none came since.
      const since = Math.max(row?.last_checked_at ?? 0, c.createdAt, row?.state === "unknown" ? row.state_since : 0);
      const misses = row?.last_ok === false ? row.consecutive_failures : 0;
      const due = since + (misses + 1) * c.intervalMs + c.graceMs;
      if (now < due) return due;
      const message = row?.last_checked_at ? `no heartbeat since ${new Date(row.last_checked_at).toISOString()}` : "no heartbeat received yet";
      await record(tx, c, row, { ok: false, latencyMs: null, message }, { at: now, scheduledAt: due, beat: false, maintenance: inMaintenance(now), fence: workerId });
      return due + c.intervalMs;
    }),
  );
}
