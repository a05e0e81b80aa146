import type { Sql } from "postgres";
import { advisoryLocks } from "@/db/advisory-locks";
import { log as logger } from "../log";
import { driverFor as defaultDriverFor } from "./drivers";
import { type ClusterRow, clusterRowColumns, runtimeFromRow } from "./load-cluster";
import type { ClusterDriver, ClusterObservation, DriverFactory, MemberObservation } from "./types";

/**
 * The cluster observer: every cycle it asks each cluster's driver for its
 * members and writes them to cluster_members, which preflight, the UI and the
 * failover request read. One cycle at a time across workers (advisory lock);
 * each cluster observed concurrently with a timeout so one unreachable
 * cluster cannot hold the others up.
 *
 * Besides the driver's facts, each member's `details` keeps `writable`,
 * `lastWritableAt` (when it was last seen as a writable primary; a failover
 * takes it as the moment the primary was lost) and `lastPrimaryPosition`
 * (its position then; the RPO estimate subtracts the candidate's from it).
 */

export type ObserverOptions = { driverFor?: DriverFactory; timeoutMs?: number };

type PrevMember = { clusterId: string; name: string; role: string; healthy: boolean; details: Record<string, unknown> };
type Slot = { updatedAt: number; driver: ClusterDriver; pending: Promise<unknown> | null };

export type CycleResult = { skipped: boolean; observed: number; failed: number; changed: number };

const shapeOf = (ms: { name: string; role: string; healthy: boolean; writable: boolean }[], error: boolean): string =>
  JSON.stringify([error, [...ms].sort((a, b) => a.name.localeCompare(b.name)).map((m) => [m.name, m.role, m.healthy, m.writable])]);

const prevWritable = (m: PrevMember) => m.role === "primary" && m.healthy && m.details.writable !== false;

export class ClusterObserver {
  private readonly slots = new Map<string, Slot>();
  private readonly driverFor: DriverFactory;
  private readonly timeoutMs: number;

  constructor(
    private readonly sql: Sql,
    opts: ObserverOptions = {},
  ) {
    this.driverFor = opts.driverFor ?? defaultDriverFor;
    this.timeoutMs = opts.timeoutMs ?? 2_000;
  }

  async cycle(signal?: AbortSignal): Promise<CycleResult> {
    const conn = await this.sql.reserve();
    try {
      const [lock] = await conn<{ got: boolean }[]>`select pg_try_advisory_lock(${advisoryLocks.clusterObserver}) as got`;
      if (!lock?.got) return { skipped: true, observed: 0, failed: 0, changed: 0 };
      try {
        return await this.observeAll(signal);
      } finally {
        await conn`select pg_advisory_unlock(${advisoryLocks.clusterObserver})`.catch(() => undefined);
      }
    } finally {
      conn.release();
    }
  }

  private async observeAll(signal?: AbortSignal): Promise<CycleResult> {
    const [clusters, prev] = await Promise.all([
      this.sql.unsafe<(ClusterRow & { observeError: string | null })[]>(`select ${clusterRowColumns}, observe_error as "observeError" from clusters`),
      this.sql<PrevMember[]>`select cluster_id as "clusterId", name, role::text as role, healthy, details from cluster_members`,
    ]);
    const ids = new Set(clusters.map((c) => c.id));
    for (const [id, slot] of this.slots) {
      if (!ids.has(id)) {
        this.slots.delete(id);
        void slot.driver.close().catch(() => undefined);
      }
    }
    const prevBy = new Map<string, PrevMember[]>();
    for (const m of prev) prevBy.set(m.clusterId, [...(prevBy.get(m.clusterId) ?? []), m]);
    const results = await Promise.all(clusters.map((c) => this.observeOne(c, prevBy.get(c.id) ?? [], signal)));
    return {
      skipped: false,
      observed: results.filter((r) => r.ok).length,
      failed: results.filter((r) => !r.ok).length,
      changed: results.filter((r) => r.changed).length,
    };
  }

  private slotFor(c: ClusterRow): Slot {
    const updatedAt = new Date(c.updatedAt).getTime();
    const slot = this.slots.get(c.id);
    if (slot && slot.updatedAt === updatedAt) return slot;
    if (slot) void slot.driver.close().catch(() => undefined);
    const fresh: Slot = { updatedAt, driver: this.driverFor(runtimeFromRow(c)), pending: null };
    this.slots.set(c.id, fresh);
    return fresh;
  }

  private async observe(c: ClusterRow, signal?: AbortSignal): Promise<ClusterObservation> {
    const slot = this.slotFor(c);
    // a driver that ignored the last abort is still busy: do not pile calls onto it
    if (slot.pending) throw new Error("the previous observation has not finished");
    const sig = signal ? AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]) : AbortSignal.timeout(this.timeoutMs);
    const call = slot.driver.observe(sig);
    slot.pending = call;
    void call.then(
      () => (slot.pending = null),
      () => (slot.pending = null),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs + 100);
    });
    try {
      return await Promise.race([call, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async observeOne(c: ClusterRow & { observeError: string | null }, prev: PrevMember[], signal?: AbortSignal): Promise<{ ok: boolean; changed: boolean }> {
    const before = shapeOf(
      prev.map((m) => ({ name: m.name, role: m.role, healthy: m.healthy, writable: prevWritable(m) })),
      c.observeError !== null,
    );
    let obs: ClusterObservation;
    try {
      obs = await this.observe(c, signal);
    } catch (err) {
      obs = { observedAt: new Date(), members: [], error: err instanceof Error ? err.message : String(err) };
    }
    try {
      if (obs.error) {
        await this.sql`update clusters set observed_at = ${obs.observedAt.toISOString()}::timestamptz, observe_error = ${obs.error.slice(0, 2000)} where id = ${c.id}`;
        const changed = before !== shapeOf(prev.map((m) => ({ name: m.name, role: m.role, healthy: m.healthy, writable: prevWritable(m) })), true);
        if (changed) await this.changed(c.id, prev.find(prevWritable)?.name ?? null);
        return { ok: false, changed };
      }
      const rows = obs.members.map((m) => this.memberRow(m, prev.find((p) => p.name === m.name), obs.observedAt));
      await this.sql`
        with m as (
          select * from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) as x(
            name text, host text, port int, role member_role, timeline int, position text, lag_bytes bigint, lag_seconds real,
            sync_state text, healthy boolean, message text, details jsonb)
        ), up as (
          insert into cluster_members (cluster_id, name, host, port, role, timeline, position, lag_bytes, lag_seconds, sync_state, healthy, message, details, observed_at)
          select ${c.id}, name, host, port, role, timeline, position, lag_bytes, lag_seconds, sync_state, healthy, message, details, ${obs.observedAt.toISOString()}::timestamptz from m
          on conflict (cluster_id, name) do update set host = excluded.host, port = excluded.port, role = excluded.role, timeline = excluded.timeline,
            position = excluded.position, lag_bytes = excluded.lag_bytes, lag_seconds = excluded.lag_seconds, sync_state = excluded.sync_state,
            healthy = excluded.healthy, message = excluded.message, details = excluded.details, observed_at = excluded.observed_at
          returning 1
        ), del as (
          delete from cluster_members where cluster_id = ${c.id} and name not in (select name from m) returning 1
        )
        update clusters set observed_at = ${obs.observedAt.toISOString()}::timestamptz, observe_error = null where id = ${c.id}`;
      const after = shapeOf(obs.members, false);
      const changed = before !== after;
      if (changed) await this.changed(c.id, obs.members.find((m) => m.role === "primary" && m.writable)?.name ?? null);
      return { ok: true, changed };
    } catch (err) {
      logger.warn({ err, clusterId: c.id }, "could not record a cluster observation");
      return { ok: false, changed: false };
    }
  }

  private memberRow(m: MemberObservation, prev: PrevMember | undefined, at: Date) {
    const carried = prev?.details ?? {};
    const writable = m.role === "primary" && m.writable;
    return {
      name: m.name,
      host: m.host,
      port: m.port,
      role: m.role,
      timeline: m.timeline,
      position: m.position,
      lag_bytes: m.lagBytes === null ? null : Math.round(m.lagBytes),
      lag_seconds: m.lagSeconds,
      sync_state: m.syncState,
      healthy: m.healthy,
      message: m.message,
      details: {
        ...m.details,
        writable: m.writable,
        lastWritableAt: writable ? at.toISOString() : (carried.lastWritableAt ?? null),
        lastPrimaryPosition: m.role === "primary" && m.position ? m.position : (carried.lastPrimaryPosition ?? null),
      },
    };
  }

  private async changed(clusterId: string, primary: string | null): Promise<void> {
    await this.sql`insert into events (type, topic, payload) values ('cluster.changed', ${`cluster:${clusterId}`}, ${JSON.stringify({ clusterId, primary })}::text::jsonb)`;
  }

  async close(): Promise<void> {
    const slots = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(slots.map((s) => s.driver.close().catch(() => undefined)));
  }
}
