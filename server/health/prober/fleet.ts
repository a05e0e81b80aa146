import type { Sql } from "postgres";
import { log } from "@/server/log";
import { MaintenanceIndex } from "../maintenance";
import { healthFromStored, type Status, type Thresholds, unknownStatus } from "../state-machine";
import { type ComponentRow, loadComponents, loadStatuses, loadVersions, loadWindows, type StoredStatus } from "./load";
import type { PushComponent } from "./push";
import { phaseOf, type Schedulable, type Scheduler, slotAtOrAfter, slotOf } from "./scheduler";

/** A component of an owned shard, as the prober keeps it in memory. */
export type Comp = Schedulable & {
  row: ComponentRow;
  thresholds: Thresholds;
  /** authoritative while this worker owns the shard (it is the only writer); push components keep theirs in the database */
  status: Status;
  /** start of the last run this process made (for rescheduling after an edit) */
  lastStartAt: number | null;
  push: PushComponent | null;
  removed: boolean;
};

function statusFrom(s: StoredStatus | null, t: Thresholds): Status {
  if (!s) return unknownStatus(Date.now());
  return { ...s, health: healthFromStored(s.state, s.consecutiveFailures, t) };
}

const thresholdsOf = (r: ComponentRow): Thresholds => ({
  unhealthyThreshold: r.unhealthyThreshold,
  healthyThreshold: r.healthyThreshold,
  degradedLatencyMs: r.degradedLatencyMs,
});

const pushOf = (r: ComponentRow): PushComponent | null =>
  r.kind !== "push"
    ? null
    : { ...thresholdsOf(r), id: r.id, serviceId: r.serviceId, shard: r.shard, intervalMs: r.intervalMs, createdAt: r.createdAt, graceMs: Number(r.config.graceMs ?? 0) || 0 };

/**
 * The components of the shards this worker holds, kept in step with the
 * database: loaded when a shard is gained, forgotten when it is lost or handed
 * over, and refreshed by diffing `id → updated_at` (an edit, a pause, a new or
 * deleted component) — only what changed is reloaded.
 */
export class Fleet {
  readonly comps = new Map<string, Comp>();
  /** shards whose components are loaded */
  readonly loaded = new Set<number>();
  windows = new MaintenanceIndex();

  constructor(
    private readonly sql: Sql,
    private readonly scheduler: Scheduler<Comp>,
  ) {}

  inShards(shards: ReadonlySet<number>): Comp[] {
    return [...this.comps.values()].filter((c) => shards.has(c.row.shard));
  }

  async addShards(shards: number[]): Promise<number> {
    const rows = await loadComponents(this.sql, { shards });
    for (const s of shards) this.loaded.add(s);
    for (const row of rows) this.upsert(row);
    return rows.length;
  }

  dropShards(shards: readonly number[]): void {
    const set = new Set(shards);
    for (const s of shards) this.loaded.delete(s);
    for (const c of this.inShards(set)) this.remove(c);
  }

  /** Reloads changed components of the loaded shards, drops deleted ones, reloads maintenance windows. */
  async refresh(): Promise<void> {
    const owned = [...this.loaded];
    const [versions, windows] = await Promise.all([owned.length ? loadVersions(this.sql, owned) : new Map<string, string>(), loadWindows(this.sql)]);
    this.windows = new MaintenanceIndex(windows);
    const ownedSet = new Set(owned);
    for (const c of this.comps.values()) if (ownedSet.has(c.row.shard) && !versions.has(c.id)) this.remove(c);
    const changed: string[] = [];
    for (const [id, v] of versions) if (this.comps.get(id)?.row.version !== v) changed.push(id);
    if (changed.length === 0) return;
    for (const row of await loadComponents(this.sql, { ids: changed })) if (this.loaded.has(row.shard)) this.upsert(row);
  }

  /** After a compare-and-set refusal: someone else changed these statuses (a pause, a resume); take theirs. */
  async reloadStatuses(ids: string[]): Promise<void> {
    try {
      const stored = await loadStatuses(this.sql, ids);
      for (const id of ids) {
        const c = this.comps.get(id);
        if (c && !c.push) c.status = statusFrom(stored.get(id) ?? null, c.thresholds);
      }
    } catch (err) {
      log.warn({ err }, "prober: reloading refused statuses failed");
    }
  }

  removeAll(): void {
    for (const c of this.comps.values()) c.removed = true;
  }

  private upsert(row: ComponentRow): void {
    const existing = this.comps.get(row.id);
    const t = thresholdsOf(row);
    if (!existing) {
      const c: Comp = {
        id: row.id,
        nextAt: 0,
        heapIndex: -1,
        intervalMs: row.intervalMs,
        timeoutMs: row.timeoutMs,
        phase: phaseOf(row.id, row.intervalMs),
        selfScheduled: row.kind === "push",
        running: 0,
        runScheduledAt: 0,
        runStartedAt: 0,
        row,
        thresholds: t,
        status: statusFrom(row.status, t),
        lastStartAt: null,
        push: pushOf(row),
        removed: false,
      };
      this.comps.set(row.id, c);
      this.scheduleFirst(c);
      return;
    }
    const before = existing.row;
    existing.row = row;
    existing.thresholds = t;
    existing.intervalMs = row.intervalMs;
    existing.timeoutMs = row.timeoutMs;
    existing.phase = phaseOf(row.id, row.intervalMs);
    existing.selfScheduled = row.kind === "push";
    existing.push = pushOf(row);
    // Pause and resume write the status themselves: take theirs.
    if (before.paused !== row.paused) existing.status = statusFrom(row.status, t);
    if (before.paused !== row.paused || before.intervalMs !== row.intervalMs || before.kind !== row.kind) this.scheduleFirst(existing);
  }

  /**
   * First run after (re)loading: the next slot of this component's phase that
   * is both in the future and a full interval after its last recorded check —
   * so a new shard owner never probes twice in the interval the previous
   * owner already covered.
   */
  private scheduleFirst(c: Comp): void {
    if (c.row.paused) return this.scheduler.unschedule(c);
    const now = Date.now();
    if (c.selfScheduled) return this.scheduler.schedule(c, now + (c.phase % 1_000));
    let next = slotAtOrAfter(now, c.intervalMs, c.phase);
    const last = c.lastStartAt ?? c.row.status?.lastCheckedAt ?? null;
    if (last !== null) next = Math.max(next, slotOf(last, c.intervalMs, c.phase) + c.intervalMs);
    this.scheduler.schedule(c, next);
  }

  private remove(c: Comp): void {
    c.removed = true;
    this.scheduler.unschedule(c);
    this.comps.delete(c.id);
  }
}
