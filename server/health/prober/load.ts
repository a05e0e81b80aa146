import type { Sql } from "postgres";
import type { MaintenanceWindow } from "../maintenance";
import { type ComponentKind, type HealthState, kindConfig } from "../schemas";

export type StoredStatus = {
  state: HealthState;
  stateSince: number;
  lastCheckedAt: number | null;
  lastOk: boolean | null;
  lastMessage: string | null;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
};

export type ComponentRow = {
  id: string;
  serviceId: string;
  kind: ComponentKind;
  shard: number;
  intervalMs: number;
  timeoutMs: number;
  unhealthyThreshold: number;
  healthyThreshold: number;
  degradedLatencyMs: number | null;
  paused: boolean;
  /** parsed with the kind's schema (defaults filled); secrets stay sealed — the probes unseal them */
  config: Record<string, unknown>;
  /** why the stored config does not parse; such a component's checks fail with this message */
  configError: string | null;
  createdAt: number;
  /** components.updated_at as text: a change means reload */
  version: string;
  status: StoredStatus | null;
};

type Raw = {
  id: string;
  service_id: string;
  kind: ComponentKind;
  shard: number;
  interval_ms: number;
  timeout_ms: number;
  unhealthy_threshold: number;
  healthy_threshold: number;
  degraded_latency_ms: number | null;
  paused: boolean;
  config: Record<string, unknown>;
  created_at: number;
  version: string;
  state: HealthState | null;
  state_since: number | null;
  last_checked_at: number | null;
  last_ok: boolean | null;
  last_message: string | null;
  consecutive_failures: number | null;
  consecutive_successes: number | null;
};

/** Components (with their stored status) by shard or by id. */
export async function loadComponents(sql: Sql, by: { shards: number[] } | { ids: string[] }): Promise<ComponentRow[]> {
  const where = "shards" in by ? sql`c.shard = any(${by.shards}::int[])` : sql`c.id = any(${by.ids}::uuid[])`;
  const rows = await sql<Raw[]>`
    select c.id, c.service_id, c.kind, c.shard, c.interval_ms, c.timeout_ms, c.unhealthy_threshold, c.healthy_threshold,
      c.degraded_latency_ms, c.paused, c.config, (extract(epoch from c.created_at) * 1000)::float8 as created_at, c.updated_at::text as version,
      s.state, (extract(epoch from s.state_since) * 1000)::float8 as state_since,
      (extract(epoch from s.last_checked_at) * 1000)::float8 as last_checked_at,
      s.last_ok, s.last_message, s.consecutive_failures, s.consecutive_successes
    from components c left join component_status s on s.component_id = c.id
    where ${where}`;
  return rows.map(toRow);
}

export async function loadStatuses(sql: Sql, ids: string[]): Promise<Map<string, StoredStatus>> {
  const rows = await sql<Raw[]>`
    select component_id as id, state, (extract(epoch from state_since) * 1000)::float8 as state_since,
      (extract(epoch from last_checked_at) * 1000)::float8 as last_checked_at,
      last_ok, last_message, consecutive_failures, consecutive_successes
    from component_status where component_id = any(${ids}::uuid[])`;
  const out = new Map<string, StoredStatus>();
  for (const r of rows) {
    const s = statusOf(r);
    if (s) out.set(r.id, s);
  }
  return out;
}

/** id → version of every component in `shards`: the cheap half of a refresh. */
export async function loadVersions(sql: Sql, shards: number[]): Promise<Map<string, string>> {
  const rows = await sql<{ id: string; v: string }[]>`select id, updated_at::text as v from components where shard = any(${shards}::int[])`;
  return new Map(rows.map((r) => [r.id, r.v]));
}

/** Windows that can still matter: recurring ones, and one-offs not yet over. */
export async function loadWindows(sql: Sql): Promise<MaintenanceWindow[]> {
  const rows = await sql<{
    id: string;
    component_id: string | null;
    service_id: string | null;
    starts_at: Date;
    ends_at: Date;
    recurrence: MaintenanceWindow["recurrence"];
  }[]>`
    select id, component_id, service_id, starts_at, ends_at, recurrence from maintenance_windows
    where recurrence is not null or ends_at > now() - interval '1 hour'`;
  return rows.map((r) => ({ id: r.id, componentId: r.component_id, serviceId: r.service_id, startsAt: r.starts_at, endsAt: r.ends_at, recurrence: r.recurrence }));
}

function statusOf(r: Raw): StoredStatus | null {
  if (r.state === null) return null;
  return {
    state: r.state,
    stateSince: r.state_since ?? 0,
    lastCheckedAt: r.last_checked_at,
    lastOk: r.last_ok,
    lastMessage: r.last_message,
    consecutiveFailures: r.consecutive_failures ?? 0,
    consecutiveSuccesses: r.consecutive_successes ?? 0,
  };
}

function toRow(r: Raw): ComponentRow {
  const parsed = kindConfig[r.kind].safeParse(r.config);
  const issue = parsed.success ? undefined : parsed.error.issues[0];
  return {
    id: r.id,
    serviceId: r.service_id,
    kind: r.kind,
    shard: r.shard,
    intervalMs: r.interval_ms,
    timeoutMs: r.timeout_ms,
    unhealthyThreshold: r.unhealthy_threshold,
    healthyThreshold: r.healthy_threshold,
    degradedLatencyMs: r.degraded_latency_ms,
    paused: r.paused,
    config: parsed.success ? (parsed.data as Record<string, unknown>) : r.config,
    configError: issue ? `invalid config: ${issue.path.join(".") || "config"}: ${issue.message}` : null,
    createdAt: r.created_at,
    version: r.version,
    status: statusOf(r),
  };
}
