import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

export const componentKind = pgEnum("component_kind", ["http", "tcp", "websocket", "postgres", "redis", "patroni", "pgbouncer", "push"]);
export const healthState = pgEnum("health_state", ["healthy", "degraded", "unhealthy", "unknown", "paused", "maintenance"]);

export const services = pgTable(
  "services",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    description: text().notNull().default(""),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("services_name_idx").on(sql`lower(${t.name})`)],
);

/** What to probe and how often. Live status is kept apart in `component_status` (written every check). */
export const components = pgTable(
  "components",
  {
    id: uuid().primaryKey().defaultRandom(),
    serviceId: uuid()
      .notNull()
      .references(() => services.id, { onDelete: "restrict" }),
    name: text().notNull(),
    kind: componentKind().notNull(),
    /** validated per kind by `componentConfig` (server/health/schemas.ts); secrets inside are encrypted */
    config: jsonb().$type<Record<string, unknown>>().notNull(),
    intervalMs: integer().notNull(),
    timeoutMs: integer().notNull(),
    unhealthyThreshold: smallint().notNull(),
    healthyThreshold: smallint().notNull(),
    /** a successful check slower than this is "degraded"; null: never */
    degradedLatencyMs: integer(),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
    paused: boolean().notNull().default(false),
    /** 0..SHARDS-1: the lease unit the prober schedules by */
    shard: smallint().notNull(),
    /** push kind: sha256 of the heartbeat token */
    pushTokenHash: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("components_service_name_idx").on(t.serviceId, sql`lower(${t.name})`),
    index("components_shard_idx").on(t.shard),
    uniqueIndex("components_push_token_idx").on(t.pushTokenHash),
  ],
);

export const componentStatus = pgTable("component_status", {
  componentId: uuid()
    .primaryKey()
    .references(() => components.id, { onDelete: "cascade" }),
  state: healthState().notNull().default("unknown"),
  stateSince: timestamp({ withTimezone: true }).notNull().defaultNow(),
  lastCheckedAt: timestamp({ withTimezone: true }),
  lastOk: boolean(),
  lastLatencyMs: real(),
  lastMessage: text(),
  /** kind-specific facts from the last check (role, lag, pool use, …) */
  lastDetails: jsonb().$type<Record<string, unknown>>(),
  consecutiveFailures: integer().notNull().default(0),
  consecutiveSuccesses: integer().notNull().default(0),
});

/** Every change of state, with its cause. */
export const healthTransitions = pgTable(
  "health_transitions",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    componentId: uuid()
      .notNull()
      .references(() => components.id, { onDelete: "cascade" }),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    fromState: healthState().notNull(),
    toState: healthState().notNull(),
    cause: text().notNull(),
    message: text(),
  },
  (t) => [index("health_transitions_component_at_idx").on(t.componentId, t.at)],
);

/**
 * Raw results. Declared here for queries; the table itself is created by a
 * hand-written migration as PARTITION BY RANGE (at), one partition per day,
 * so retention drops partitions instead of deleting rows.
 */
export const probeResults = pgTable(
  "probe_results",
  {
    componentId: uuid().notNull(),
    at: timestamp({ withTimezone: true }).notNull(),
    ok: boolean().notNull(),
    latencyMs: real(),
    message: text(),
    /** scheduled start; `at - scheduledAt` is the scheduler's lateness */
    scheduledAt: timestamp({ withTimezone: true }),
    workerId: text(),
  },
  (t) => [index("probe_results_component_at_idx").on(t.componentId, t.at)],
);

/**
 * Per-minute rollups kept long-term. `hist` is a fixed log-scale latency
 * histogram (server/health/latency-histogram.ts): rollups of any span are
 * merged by adding arrays, and percentiles come from the merged histogram.
 */
export const probeRollups = pgTable(
  "probe_rollups_1m",
  {
    componentId: uuid().notNull(),
    minute: timestamp({ withTimezone: true }).notNull(),
    checks: integer().notNull(),
    failures: integer().notNull(),
    hist: integer().array().notNull(),
    /** seconds of this minute under maintenance (excluded from uptime and SLOs) */
    maintenance: boolean().notNull().default(false),
  },
  (t) => [uniqueIndex("probe_rollups_1m_pk").on(t.componentId, t.minute)],
);

/** Lease per shard: the worker that holds it probes that shard's components. */
export const probeShardLeases = pgTable("probe_shard_leases", {
  shard: smallint().primaryKey(),
  owner: text(),
  leaseUntil: timestamp({ withTimezone: true }).notNull().default(sql`'epoch'`),
});

/**
 * Maintenance windows for a component or a whole service. One-off
 * (`recurrence` null) or weekly: `recurrence.days` (0 = Sunday) at the start
 * time of day for `durationMs`.
 */
export const maintenanceWindows = pgTable(
  "maintenance_windows",
  {
    id: uuid().primaryKey().defaultRandom(),
    componentId: uuid().references(() => components.id, { onDelete: "cascade" }),
    serviceId: uuid().references(() => services.id, { onDelete: "cascade" }),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    recurrence: jsonb().$type<{ weekly: { days: number[] } } | null>(),
    reason: text().notNull(),
    createdBy: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("maintenance_windows_component_idx").on(t.componentId), index("maintenance_windows_service_idx").on(t.serviceId)],
);
