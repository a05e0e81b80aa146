import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, integer, jsonb, pgEnum, pgTable, real, smallint, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { services } from "./health";

export const clusterAdapter = pgEnum("cluster_adapter", ["postgres-streaming", "patroni", "redis-sentinel"]);
export const memberRole = pgEnum("member_role", ["primary", "standby", "unknown", "down"]);
export const operationKind = pgEnum("operation_kind", ["switchover", "failover"]);
export const operationStatus = pgEnum("operation_status", ["scheduled", "pending", "running", "needs_attention", "succeeded", "failed", "cancelled"]);
export const stepStatus = pgEnum("step_status", ["running", "ok", "failed", "skipped"]);

/** The statuses that hold a cluster: at most one such operation per cluster (partial unique index below). */
export const ACTIVE_OPERATION_STATUSES = ["scheduled", "pending", "running", "needs_attention"] as const;

/**
 * A PostgreSQL or Redis cluster Bulwark can move the primary of. `config` is
 * validated per adapter by `clusterConfig` (server/failover/schemas.ts); its
 * secrets are sealed (server/crypto/secrets.ts) and never leave the server.
 */
export const clusters = pgTable(
  "clusters",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    description: text().notNull().default(""),
    adapter: clusterAdapter().notNull(),
    config: jsonb().$type<Record<string, unknown>>().notNull(),
    /** the service whose health (open incident) and error-budget policy gate a planned switchover */
    serviceId: uuid().references(() => services.id, { onDelete: "set null" }),
    /** a standby further behind than this is not a switchover candidate */
    maxLagBytes: bigint({ mode: "number" }).notNull().default(16 * 1024 * 1024),
    /** last observation by the worker's cluster observer */
    observedAt: timestamp({ withTimezone: true }),
    /** set when the last observation failed as a whole (e.g. no member reachable) */
    observeError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("clusters_name_idx").on(sql`lower(${t.name})`)],
);

/** Members as last observed (the observer upserts by name and deletes the ones no longer reported). */
export const clusterMembers = pgTable(
  "cluster_members",
  {
    clusterId: uuid()
      .notNull()
      .references(() => clusters.id, { onDelete: "cascade" }),
    name: text().notNull(),
    host: text().notNull(),
    port: integer().notNull(),
    role: memberRole().notNull().default("unknown"),
    /** PostgreSQL timeline; null for Redis */
    timeline: integer(),
    /** PostgreSQL: current (primary) or replayed (standby) LSN as text; Redis: replication offset as text */
    position: text(),
    lagBytes: bigint({ mode: "number" }),
    lagSeconds: real(),
    /** PostgreSQL sync_state or Patroni state / Redis link status, as reported */
    syncState: text(),
    healthy: boolean().notNull().default(false),
    message: text(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    observedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("cluster_members_pk").on(t.clusterId, t.name)],
);

/**
 * Switchovers and failovers as durable state machines. The web process writes
 * the intent row; a worker claims it (lease + session advisory lock) and runs
 * its steps. `state` holds what a resumed run needs (fence LSN, chosen
 * candidate, …) so a second worker never re-decides.
 */
export const operations = pgTable(
  "operations",
  {
    id: uuid().primaryKey().defaultRandom(),
    clusterId: uuid()
      .notNull()
      .references(() => clusters.id, { onDelete: "restrict" }),
    kind: operationKind().notNull(),
    status: operationStatus().notNull(),
    reason: text().notNull(),
    requestedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    requestedByEmail: text(),
    /** member names; candidate fixed at request time (failover: the most advanced standby then) */
    fromPrimary: text(),
    candidate: text().notNull(),
    scheduledAt: timestamp({ withTimezone: true }),
    /** preflight checks as evaluated when requested */
    preflight: jsonb().$type<unknown[]>().notNull().default([]),
    /** failover: the acknowledged data-loss estimate */
    rpoEstimateBytes: bigint({ mode: "number" }),
    overrides: text().array().notNull().default(sql`'{}'::text[]`),
    /** resume state written by steps (server/failover/types.ts OperationState) */
    state: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    currentStep: text(),
    leaseOwner: text(),
    leaseUntil: timestamp({ withTimezone: true }),
    attempts: smallint().notNull().default(0),
    error: text(),
    // measured
    writeUnavailableMs: integer(),
    durationMs: integer(),
    rtoMs: integer(),
    lostAckedWrites: integer(),
    lsnGapBytes: bigint({ mode: "number" }),
    probeWrites: integer(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("operations_one_active_per_cluster")
      .on(t.clusterId)
      .where(sql`${t.status} in ('scheduled', 'pending', 'running', 'needs_attention')`),
    index("operations_cluster_created_idx").on(t.clusterId, t.createdAt),
    index("operations_due_idx")
      .on(t.status, t.scheduledAt)
      .where(sql`${t.status} in ('scheduled', 'pending', 'running')`),
  ],
);

export const operationSteps = pgTable(
  "operation_steps",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    operationId: uuid()
      .notNull()
      .references(() => operations.id, { onDelete: "cascade" }),
    seq: smallint().notNull(),
    name: text().notNull(),
    title: text().notNull(),
    status: stepStatus().notNull(),
    /** the command or API call made, as an operator would type it (secrets left out) */
    command: text(),
    result: text(),
    logs: jsonb().$type<{ at: string; msg: string }[]>().notNull().default([]),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("operation_steps_op_seq_idx").on(t.operationId, t.seq)],
);
