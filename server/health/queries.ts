import { and, asc, desc, eq, gte, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { componentStatus, components, healthTransitions, maintenanceWindows, probeRollups, services } from "@/db/schema";
import { notFound } from "../errors";
import { redactConfig } from "./config-secrets";
import { SERVICE_STATE_RULE, deriveServiceState, emptyCounts } from "./derive-service-state";
import { describeTarget } from "./describe-target";
import { percentile } from "./latency-histogram";
import type { ComponentKind, HealthState } from "./schemas";

const rowFields = {
  id: components.id,
  name: components.name,
  kind: components.kind,
  serviceId: components.serviceId,
  serviceName: services.name,
  tags: components.tags,
  paused: components.paused,
  intervalMs: components.intervalMs,
  config: components.config,
  state: componentStatus.state,
  stateSince: componentStatus.stateSince,
  lastCheckedAt: componentStatus.lastCheckedAt,
  lastOk: componentStatus.lastOk,
  lastLatencyMs: componentStatus.lastLatencyMs,
  lastMessage: componentStatus.lastMessage,
};

type RawRow = {
  id: string;
  name: string;
  kind: ComponentKind;
  serviceId: string;
  serviceName: string;
  tags: string[];
  paused: boolean;
  intervalMs: number;
  config: Record<string, unknown>;
  state: HealthState;
  stateSince: Date;
  lastCheckedAt: Date | null;
  lastOk: boolean | null;
  lastLatencyMs: number | null;
  lastMessage: string | null;
};

function toComponentRow({ config, ...r }: RawRow) {
  return { ...r, target: describeTarget(r.kind, config) };
}
export type ComponentRow = ReturnType<typeof toComponentRow>;

/** The whole fleet in one query: the Health page and the overview read this, live events patch it. */
export async function healthOverview(db: Db) {
  const [rows, svc] = await Promise.all([
    db
      .select(rowFields)
      .from(components)
      .innerJoin(services, eq(services.id, components.serviceId))
      .innerJoin(componentStatus, eq(componentStatus.componentId, components.id))
      .orderBy(asc(services.name), asc(components.name)),
    db.select().from(services).orderBy(asc(services.name)),
  ]);
  const list = rows.map(toComponentRow);
  const counts = emptyCounts();
  const perService = new Map(svc.map((s) => [s.id, emptyCounts()]));
  for (const c of list) {
    counts[c.state] += 1;
    const sc = perService.get(c.serviceId);
    if (sc) sc[c.state] += 1;
  }
  return {
    counts,
    rule: SERVICE_STATE_RULE,
    services: svc.map((s) => {
      const c = perService.get(s.id) ?? emptyCounts();
      return { id: s.id, name: s.name, description: s.description, state: deriveServiceState(c), counts: c };
    }),
    components: list,
  };
}

export async function componentDetail(db: Db, id: string) {
  const [r] = await db
    .select({
      ...rowFields,
      timeoutMs: components.timeoutMs,
      unhealthyThreshold: components.unhealthyThreshold,
      healthyThreshold: components.healthyThreshold,
      degradedLatencyMs: components.degradedLatencyMs,
      hasPushToken: sql<boolean>`${components.pushTokenHash} is not null`,
      consecutiveFailures: componentStatus.consecutiveFailures,
      consecutiveSuccesses: componentStatus.consecutiveSuccesses,
      lastDetails: componentStatus.lastDetails,
    })
    .from(components)
    .innerJoin(services, eq(services.id, components.serviceId))
    .innerJoin(componentStatus, eq(componentStatus.componentId, components.id))
    .where(eq(components.id, id));
  if (!r) throw notFound("Component", id);
  const windows = await db
    .select()
    .from(maintenanceWindows)
    .where(or(eq(maintenanceWindows.componentId, id), eq(maintenanceWindows.serviceId, r.serviceId)))
    .orderBy(asc(maintenanceWindows.startsAt));
  const { timeoutMs, unhealthyThreshold, healthyThreshold, degradedLatencyMs, hasPushToken, consecutiveFailures, consecutiveSuccesses, lastDetails, ...row } = r;
  return {
    ...toComponentRow(row),
    config: redactConfig(row.config),
    timeoutMs,
    unhealthyThreshold,
    healthyThreshold,
    degradedLatencyMs,
    consecutiveFailures,
    consecutiveSuccesses,
    lastDetails,
    hasPushToken,
    // The token is stored hashed; the URL is shown once at creation or rotation.
    pushUrl: null as string | null,
    maintenance: windows.map((w) => ({
      id: w.id,
      startsAt: w.startsAt,
      endsAt: w.endsAt,
      weeklyDays: w.recurrence?.weekly.days ?? null,
      reason: w.reason,
      scope: (w.componentId ? "component" : "service") as "component" | "service",
    })),
  };
}

export const latencyRanges = { "1h": [60, 1], "24h": [1440, 15], "7d": [10_080, 60], "30d": [43_200, 360] } as const;
export const latencyInput = z.object({ id: z.uuid(), range: z.enum(["1h", "24h", "7d", "30d"]).default("24h") });

/** Percentiles per bucket from merged per-minute histograms: hundreds of rows for 30 days, not millions. */
export async function componentLatency(db: Db, input: z.output<typeof latencyInput>) {
  const [spanMin, bucketMin] = latencyRanges[input.range];
  const bucket = sql.raw(`interval '${bucketMin} minutes'`);
  const rows = await db
    .select({
      t: sql<Date>`date_bin(${bucket}, ${probeRollups.minute}, timestamptz 'epoch')`.mapWith((v: string | Date) => new Date(v)),
      checks: sql<number>`sum(${probeRollups.checks})::int`,
      failures: sql<number>`sum(${probeRollups.failures})::int`,
      hist: sql<number[]>`hist_sum(${probeRollups.hist})`,
    })
    .from(probeRollups)
    .where(and(eq(probeRollups.componentId, input.id), gte(probeRollups.minute, sql`now() - ${sql.raw(`interval '${spanMin} minutes'`)}`)))
    .groupBy(sql`1`)
    .orderBy(sql`1`);
  return {
    bucketMinutes: bucketMin,
    points: rows.map((r) => ({ t: r.t, checks: r.checks, failures: r.failures, p50: percentile(r.hist, 50), p95: percentile(r.hist, 95), p99: percentile(r.hist, 99) })),
  };
}

/** Share of successful checks, minutes under maintenance excluded; null when there were no checks. */
export async function componentUptime(db: Db, id: string) {
  const [r] = await db
    .select({
      d1: sql<number | null>`(sum(checks - failures) filter (where minute >= now() - interval '1 day'))::float / nullif(sum(checks) filter (where minute >= now() - interval '1 day'), 0)`,
      d7: sql<number | null>`(sum(checks - failures) filter (where minute >= now() - interval '7 days'))::float / nullif(sum(checks) filter (where minute >= now() - interval '7 days'), 0)`,
      d30: sql<number | null>`sum(checks - failures)::float / nullif(sum(checks), 0)`,
    })
    .from(probeRollups)
    .where(and(eq(probeRollups.componentId, id), eq(probeRollups.maintenance, false), gte(probeRollups.minute, sql`now() - interval '30 days'`)));
  return { "24h": r?.d1 ?? null, "7d": r?.d7 ?? null, "30d": r?.d30 ?? null };
}

export const transitionsInput = z.object({ id: z.uuid(), cursor: z.number().int().positive().optional(), limit: z.number().int().min(1).max(200).default(50) });

export async function componentTransitions(db: Db, input: z.output<typeof transitionsInput>) {
  const rows = await db
    .select({ id: healthTransitions.id, at: healthTransitions.at, fromState: healthTransitions.fromState, toState: healthTransitions.toState, cause: healthTransitions.cause, message: healthTransitions.message })
    .from(healthTransitions)
    .where(and(eq(healthTransitions.componentId, input.id), input.cursor ? lt(healthTransitions.id, input.cursor) : undefined))
    .orderBy(desc(healthTransitions.id))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit);
  return { items, nextCursor: rows.length > input.limit ? items[items.length - 1]?.id : undefined };
}

export async function listServices(db: Db) {
  return db.select({ id: services.id, name: services.name }).from(services).orderBy(asc(services.name));
}

