import type { Fragment, Sql } from "postgres";
import { SHARDS } from "../shard";

/** components.shard is 0..SHARDS-1; probe_shard_leases has one row per shard (seeded by the migration). */
export { SHARDS };

export type LeaseChange = {
  /** newly held: load their components */
  gained: number[];
  /** no longer held (taken over after our lease lapsed): forget their components */
  lost: number[];
  /** held above our fair share while another live worker is short: drain, then `release()` */
  surplus: number[];
  liveWorkers: number;
};

export type LeaseOptions = {
  sql: Sql;
  workerId: string;
  /** the takeover bound: a dead worker's shards are claimed by others within this */
  leaseMs: number;
  /** a heartbeat older than this is not a live worker (BULWARK_WORKER_STALE_MS) */
  staleMs: number;
};

/**
 * Shard leases in PostgreSQL. Every `renewEveryMs` (a quarter of the lease) a
 * worker renews what it holds, counts the live prober workers (fresh
 * heartbeats naming a `prober` loop, plus current lease holders), takes every
 * expired lease (its owner is dead) and free shards up to its fair share
 * ceil(64 / live) with `FOR UPDATE SKIP LOCKED`, and offers back its surplus
 * when another live worker is short.
 *
 * A lease row is written to expire three quarters of a lease after renewal,
 * and others look every quarter lease, so a killed worker's shards are claimed
 * within one lease period. Locally a shard counts as held only until the
 * renewal time + that TTL minus a margin, measured on this process's clock
 * from *before* the renewal was sent: a worker that cannot reach the database
 * stops probing before anyone else may start.
 */
export class LeaseManager {
  private readonly validUntil = new Float64Array(SHARDS);
  private readonly held = new Set<number>();
  /** workers whose expired leases we took: not counted as live until this time, whatever their heartbeat says */
  private readonly suspects = new Map<string, number>();
  private firstTickAt: number | undefined;

  constructor(private readonly opts: LeaseOptions) {}

  get workerId(): string {
    return this.opts.workerId;
  }

  get renewEveryMs(): number {
    return Math.max(100, Math.floor(this.opts.leaseMs / 4));
  }

  private get ttlMs(): number {
    return Math.floor((this.opts.leaseMs * 3) / 4);
  }

  private get marginMs(): number {
    return Math.min(1000, Math.floor(this.ttlMs / 10));
  }

  /** Whether this worker may probe a component of `shard` now. */
  isValid(shard: number, now = Date.now()): boolean {
    return (this.validUntil[shard] ?? 0) > now;
  }

  owned(): number[] {
    return [...this.held].sort((a, b) => a - b);
  }

  async tick(): Promise<LeaseChange> {
    const { sql, workerId } = this.opts;
    const ttl = this.ttlMs;
    const t0 = Date.now();
    const renewed = await sql<{ shard: number }[]>`
      update probe_shard_leases set lease_until = now() + ${ttl} * interval '1 millisecond'
      where owner = ${workerId} returning shard`;
    const now = new Set(renewed.map((r) => r.shard));

    // A lease that ran out while its owner was set: that worker died or lost the database. Take all of them,
    // whatever the share (surplus is offered again once the fleet is known), and do not count the old owner
    // as live for a while: its heartbeat may still look fresh.
    for (const t of await this.claim(sql`owner is not null and lease_until < now()`, SHARDS)) {
      now.add(t.shard);
      if (t.prev && t.prev !== workerId) this.suspects.set(t.prev, t0 + this.opts.staleMs * 2);
    }
    for (const [w, until] of this.suspects) if (until < t0) this.suspects.delete(w);

    const [live] = await sql<{ workers: string[]; holders: { owner: string; n: number }[] }[]>`
      select
        (select coalesce(array_agg(worker_id), '{}') from worker_heartbeats
          where status = 'running' and last_seen_at > now() - ${this.opts.staleMs} * interval '1 millisecond' and loops ? 'prober') as workers,
        (select coalesce(json_agg(json_build_object('owner', owner, 'n', n)), '[]') from (
          select owner, count(*)::int as n from probe_shard_leases
          where owner is not null and lease_until > now() group by owner) h) as holders`;
    const holders = new Map((live?.holders ?? []).map((h) => [h.owner, h.n]));
    const workers = new Set([...(live?.workers ?? []).filter((w) => !this.suspects.has(w)), ...holders.keys(), workerId]);
    const n = workers.size;
    const share = Math.ceil(SHARDS / n);
    const floorShare = Math.floor(SHARDS / n);

    // Free shards (released, or never held) up to the fair share.
    const want = share - now.size;
    if (want > 0) for (const t of await this.claim(sql`owner is null`, want)) now.add(t.shard);
    // Free shards nobody has picked up for a whole TTL (the worker they were offered to is gone): anyone takes them.
    // Never-held rows ('epoch') only once this worker has been around a while, so workers starting together split them.
    this.firstTickAt ??= t0;
    const neverHeldToo = t0 - this.firstTickAt > 2 * ttl;
    const orphan = sql`owner is null and lease_until < now() - ${ttl} * interval '1 millisecond' and (${neverHeldToo} or lease_until > 'epoch')`;
    for (const t of await this.claim(orphan, SHARDS)) now.add(t.shard);

    for (const s of now) this.validUntil[s] = t0 + ttl - this.marginMs;
    const gained = [...now].filter((s) => !this.held.has(s));
    const lost = [...this.held].filter((s) => !now.has(s));
    for (const s of lost) this.validUntil[s] = 0;
    this.held.clear();
    for (const s of now) this.held.add(s);

    let surplus: number[] = [];
    const short = [...workers].some((w) => w !== workerId && (holders.get(w) ?? 0) < floorShare);
    if (short && now.size > share) surplus = this.owned().slice(share);
    return { gained, lost, surplus, liveWorkers: n };
  }

  private async claim(where: Fragment, limit: number): Promise<{ shard: number; prev: string | null }[]> {
    const { sql, workerId } = this.opts;
    return sql<{ shard: number; prev: string | null }[]>`
      update probe_shard_leases l set owner = ${workerId}, lease_until = now() + ${this.ttlMs} * interval '1 millisecond'
      from (select shard, owner from probe_shard_leases where ${where} order by shard limit ${limit} for update skip locked) f
      where l.shard = f.shard returning l.shard, f.owner as prev`;
  }

  /** Gives shards back (after draining them): free at once for a short worker to claim. */
  async release(shards: number[]): Promise<void> {
    if (shards.length === 0) return;
    const { sql, workerId } = this.opts;
    for (const s of shards) {
      this.validUntil[s] = 0;
      this.held.delete(s);
    }
    await sql`update probe_shard_leases set owner = null, lease_until = now() where owner = ${workerId} and shard = any(${shards}::int[])`;
  }

  async releaseAll(): Promise<void> {
    await this.release(this.owned());
  }

  /** Stops treating anything as held without telling the database (a crash, for tests). */
  forget(): void {
    this.validUntil.fill(0);
    this.held.clear();
  }
}
