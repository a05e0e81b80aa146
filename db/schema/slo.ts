import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./auth";
import { services } from "./health";

export const budgetingMethod = pgEnum("budgeting_method", ["occurrences", "timeslices", "ratio_timeslices"]);
export const sloStateEnum = pgEnum("slo_state", ["ok", "warning", "page", "breached", "no_data", "error"]);

/**
 * SLO definitions. `sli`, `window` and `alerting` are validated by the zod
 * schemas in server/slo/schemas.ts (one per shape, shared by the API, forms and
 * the OpenSLO importer). Objective is a ratio 0–1.
 */
export const slos = pgTable(
  "slos",
  {
    id: uuid().primaryKey().defaultRandom(),
    serviceId: uuid()
      .notNull()
      .references(() => services.id, { onDelete: "restrict" }),
    /** machine name used by pushed SLI events and OpenSLO `metadata.name`: lowercase, unique */
    key: text().notNull(),
    name: text().notNull(),
    description: text().notNull().default(""),
    owner: text().notNull().default(""),
    sli: jsonb().$type<Record<string, unknown>>().notNull(),
    objective: doublePrecision().notNull(),
    window: jsonb().$type<Record<string, unknown>>().notNull(),
    budgetingMethod: budgetingMethod().notNull().default("occurrences"),
    /** time-slice SLOs: a minute is good when its good/total ≥ this (OpenSLO `timeSliceTarget`) */
    timesliceTarget: doublePrecision(),
    alerting: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    labels: jsonb().$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("slos_key_idx").on(t.key), index("slos_service_idx").on(t.serviceId)],
);

/**
 * Per-minute good/total of one SLO. Created by a hand-written migration as
 * PARTITION BY RANGE (minute), one partition per month, like probe_rollups_1m.
 * Hour and day rollups are maintained in the same statement that adds to a
 * minute (server/slo/store/write-buckets.ts), so they are never behind.
 */
export const sliMinutes = pgTable(
  "sli_minutes",
  {
    sloId: uuid().notNull(),
    minute: timestamp({ withTimezone: true }).notNull(),
    good: doublePrecision().notNull(),
    total: doublePrecision().notNull(),
  },
  (t) => [primaryKey({ columns: [t.sloId, t.minute] })],
);

/**
 * Hour and day rollups. `sliceGood` / `sliceTotal` are the time-slice view of
 * the same minutes (good minutes, minutes with data) for time-slice SLOs,
 * recomputed by the evaluator for rows marked `slicesDirty` by a write.
 */
export const sliHours = pgTable(
  "sli_hours",
  {
    sloId: uuid()
      .notNull()
      .references(() => slos.id, { onDelete: "cascade" }),
    hour: timestamp({ withTimezone: true }).notNull(),
    good: doublePrecision().notNull(),
    total: doublePrecision().notNull(),
    sliceGood: doublePrecision().notNull().default(0),
    sliceTotal: doublePrecision().notNull().default(0),
    slicesDirty: boolean().notNull().default(true),
  },
  // The evaluator's recount looks only at dirty rows: a partial index keeps that a few rows, not a table walk.
  (t) => [primaryKey({ columns: [t.sloId, t.hour] }), index("sli_hours_dirty_idx").on(t.sloId, t.hour).where(sql`${t.slicesDirty}`)],
);

export const sliDays = pgTable(
  "sli_days",
  {
    sloId: uuid()
      .notNull()
      .references(() => slos.id, { onDelete: "cascade" }),
    day: timestamp({ withTimezone: true }).notNull(),
    good: doublePrecision().notNull(),
    total: doublePrecision().notNull(),
    sliceGood: doublePrecision().notNull().default(0),
    sliceTotal: doublePrecision().notNull().default(0),
    slicesDirty: boolean().notNull().default(true),
  },
  (t) => [
    primaryKey({ columns: [t.sloId, t.day] }),
    index("sli_days_dirty_idx").on(t.sloId, t.day).where(sql`${t.slicesDirty}`),
    // The evaluator's sparkline reads the last 30 days of every SLO: by day, not by SLO.
    index("sli_days_day_idx").on(t.day),
  ],
);

/** Where each pulled source (probe rollups, Prometheus) has been folded up to, and its last error. */
export const sliSourceCursors = pgTable("sli_source_cursors", {
  sloId: uuid()
    .primaryKey()
    .references(() => slos.id, { onDelete: "cascade" }),
  /** exclusive: minutes before this are folded */
  foldedUntil: timestamp({ withTimezone: true }).notNull(),
  lastError: text(),
  lastErrorAt: timestamp({ withTimezone: true }),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** The evaluator's latest figures per SLO, read by lists, the gate and live views. */
export const sloStatus = pgTable("slo_status", {
  sloId: uuid()
    .primaryKey()
    .references(() => slos.id, { onDelete: "cascade" }),
  state: sloStateEnum().notNull().default("no_data"),
  sli: doublePrecision(),
  good: doublePrecision().notNull().default(0),
  total: doublePrecision().notNull().default(0),
  consumed: doublePrecision(),
  remaining: doublePrecision(),
  remainingMinutes: doublePrecision(),
  /** burn rate per alert window label ("5m", "1h", …); null entries: no data */
  burnRates: jsonb().$type<Record<string, number | null>>().notNull().default({}),
  firing: jsonb().$type<Array<Record<string, unknown>>>().notNull().default([]),
  exhaustionAt: timestamp({ withTimezone: true }),
  /** the error-budget policy tier in effect (name), null: none */
  policyTier: text(),
  error: text(),
  windowStart: timestamp({ withTimezone: true }),
  windowEnd: timestamp({ withTimezone: true }),
  evaluatedAt: timestamp({ withTimezone: true }),
  /**
   * The list's 30-day sparkline, kept by the evaluator so the list reads one
   * row per SLO: SLI per UTC day (`spark_days` = days since 1970-01-01), days
   * without data left out.
   */
  sparkDays: integer().array(),
  sparkSli: real().array(),
  stateSince: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Time ranges excluded from an SLO's SLI (planned drills, known bad data), with a reason. */
export const budgetAdjustments = pgTable(
  "budget_adjustments",
  {
    id: uuid().primaryKey().defaultRandom(),
    sloId: uuid()
      .notNull()
      .references(() => slos.id, { onDelete: "cascade" }),
    startAt: timestamp({ withTimezone: true }).notNull(),
    endAt: timestamp({ withTimezone: true }).notNull(),
    reason: text().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("budget_adjustments_slo_idx").on(t.sloId, t.startAt)],
);

/**
 * Error-budget policies: attached to a service (every SLO of it) or one SLO.
 * `tiers` is validated by `policyTiers` (server/slo/schemas.ts).
 */
export const errorBudgetPolicies = pgTable(
  "error_budget_policies",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    serviceId: uuid().references(() => services.id, { onDelete: "cascade" }),
    sloId: uuid().references(() => slos.id, { onDelete: "cascade" }),
    tiers: jsonb().$type<Array<Record<string, unknown>>>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("error_budget_policies_service_idx").on(t.serviceId), index("error_budget_policies_slo_idx").on(t.sloId)],
);

/** Every change of an SLO's policy tier, with time and cause. */
export const budgetEvents = pgTable(
  "budget_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    sloId: uuid()
      .notNull()
      .references(() => slos.id, { onDelete: "cascade" }),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    fromTier: text(),
    toTier: text(),
    remaining: doublePrecision(),
    cause: text().notNull(),
  },
  (t) => [index("budget_events_slo_at_idx").on(t.sloId, t.at)],
);

/** Machine credentials for /api/v1 (SLI ingest, deploy gate), scoped to one service. Only the hash is kept. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    serviceId: uuid()
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** sha256 hex of the whole token */
    tokenHash: text().notNull(),
    /** first characters, shown in lists so people can tell tokens apart */
    prefix: text().notNull(),
    scopes: text().array().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("api_tokens_hash_idx").on(t.tokenHash), index("api_tokens_service_idx").on(t.serviceId)],
);

/** Idempotency of POST /api/v1/sli: a batch key seen once is answered from here, not counted again. */
export const sliIngestBatches = pgTable(
  "sli_ingest_batches",
  {
    tokenId: uuid()
      .notNull()
      .references(() => apiTokens.id, { onDelete: "cascade" }),
    idempotencyKey: text().notNull(),
    events: integer().notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.idempotencyKey] }), index("sli_ingest_batches_received_idx").on(t.receivedAt)],
);

/** An admin's time-boxed permission to deploy a service although its budget policy freezes deploys. */
export const gateOverrides = pgTable(
  "gate_overrides",
  {
    id: uuid().primaryKey().defaultRandom(),
    serviceId: uuid()
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    justification: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("gate_overrides_service_idx").on(t.serviceId, t.expiresAt)],
);

