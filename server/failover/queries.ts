import type { Sql } from "postgres";
import type { Db } from "@/db/client";
import { notFound } from "../errors";
import { redactClusterConfig } from "./cluster-secrets";
import { asDate, asDateOrNull } from "./dates";
import type { ClusterAdapterName } from "./schemas";
import type {
  ClusterDetail,
  ClusterSummary,
  MemberRole,
  MemberView,
  OperationDetail,
  OperationKindName,
  OperationState,
  OperationStatusName,
  OperationSummary,
  PreflightCheck,
  StepView,
} from "./types";

/**
 * Read models for the clusters pages. Raw SQL with camelCase aliases and
 * bigints cast to float8, so rows map straight onto the view types in a few
 * round trips (issued in parallel).
 */

const opColumns = `
  o.id, o.cluster_id as "clusterId", c.name as "clusterName", o.kind::text as kind, o.status::text as status, o.reason,
  o.requested_by_email as "requestedByEmail", o.from_primary as "fromPrimary", o.candidate, o.scheduled_at as "scheduledAt",
  o.created_at as "createdAt", o.started_at as "startedAt", o.finished_at as "finishedAt", o.current_step as "currentStep", o.error,
  o.write_unavailable_ms as "writeUnavailableMs", o.duration_ms as "durationMs", o.rto_ms as "rtoMs",
  o.lost_acked_writes as "lostAckedWrites", o.lsn_gap_bytes::float8 as "lsnGapBytes", o.probe_writes as "probeWrites",
  o.rpo_estimate_bytes::float8 as "rpoEstimateBytes", o.overrides`;

export const ACTIVE_STATUSES_SQL = `('scheduled', 'pending', 'running', 'needs_attention')`;

type OpRow = Omit<OperationSummary, "kind" | "status"> & { kind: string; status: string };
const toSummary = (r: OpRow): OperationSummary => ({
  ...r,
  kind: r.kind as OperationKindName,
  status: r.status as OperationStatusName,
  scheduledAt: asDateOrNull(r.scheduledAt),
  createdAt: asDate(r.createdAt),
  startedAt: asDateOrNull(r.startedAt),
  finishedAt: asDateOrNull(r.finishedAt),
});

type ClusterRowView = {
  id: string;
  name: string;
  description: string;
  adapter: ClusterAdapterName;
  serviceId: string | null;
  serviceName: string | null;
  maxLagBytes: number;
  observedAt: Date | null;
  observeError: string | null;
  config: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
};

const clusterColumns = `
  c.id, c.name, c.description, c.adapter::text as adapter, c.service_id as "serviceId", s.name as "serviceName",
  c.max_lag_bytes::float8 as "maxLagBytes", c.observed_at as "observedAt", c.observe_error as "observeError",
  c.config, c.created_at as "createdAt", c.updated_at as "updatedAt"`;

type MemberRow = Omit<MemberView, "role"> & { clusterId: string; role: string };
const memberColumns = `
  cluster_id as "clusterId", name, host, port, role::text as role, timeline, position, lag_bytes::float8 as "lagBytes",
  lag_seconds::float8 as "lagSeconds", sync_state as "syncState", healthy, message, details, observed_at as "observedAt"`;

function toMember({ clusterId: _c, ...m }: MemberRow): MemberView {
  return { ...m, role: m.role as MemberRole, observedAt: asDate(m.observedAt) };
}

async function clusterViews(sql: Sql, id: string | null): Promise<(ClusterSummary & { config: Record<string, unknown>; createdAt: Date; updatedAt: Date })[]> {
  const [clusters, members, ops] = await Promise.all([
    sql.unsafe<ClusterRowView[]>(`select ${clusterColumns} from clusters c left join services s on s.id = c.service_id where ($1::uuid is null or c.id = $1) order by lower(c.name)`, [id]),
    sql.unsafe<MemberRow[]>(`select ${memberColumns} from cluster_members where ($1::uuid is null or cluster_id = $1) order by cluster_id, name`, [id]),
    // the active operation and the newest one of every cluster (often the same row)
    sql.unsafe<(OpRow & { active: boolean })[]>(
      `select ${opColumns}, o.status in ${ACTIVE_STATUSES_SQL} as active
       from operations o join clusters c on c.id = o.cluster_id
       where o.id in (
         select id from operations where status in ${ACTIVE_STATUSES_SQL} and ($1::uuid is null or cluster_id = $1)
         union
         (select distinct on (cluster_id) id from operations where ($1::uuid is null or cluster_id = $1) order by cluster_id, created_at desc, id desc))
       order by o.created_at`,
      [id],
    ),
  ]);
  const membersBy = new Map<string, MemberView[]>();
  for (const m of members) {
    const list = membersBy.get(m.clusterId) ?? [];
    list.push(toMember(m));
    membersBy.set(m.clusterId, list);
  }
  const activeBy = new Map<string, OperationSummary>();
  const lastBy = new Map<string, OperationSummary>();
  for (const { active, ...r } of ops) {
    const s = toSummary(r);
    if (active) activeBy.set(s.clusterId, s);
    const prev = lastBy.get(s.clusterId);
    if (!prev || prev.createdAt.getTime() <= s.createdAt.getTime()) lastBy.set(s.clusterId, s);
  }
  return clusters.map((c) => {
    const ms = membersBy.get(c.id) ?? [];
    const active = activeBy.get(c.id);
    return {
      ...c,
      observedAt: asDateOrNull(c.observedAt),
      createdAt: asDate(c.createdAt),
      updatedAt: asDate(c.updatedAt),
      maxLagBytes: Number(c.maxLagBytes),
      kind: c.adapter === "redis-sentinel" ? ("redis" as const) : ("postgres" as const),
      members: ms,
      // a fenced old primary still reports role primary (read-only): the writable one is the primary
      primary: (ms.find((m) => m.role === "primary" && m.details.writable !== false) ?? ms.find((m) => m.role === "primary"))?.name ?? null,
      activeOperation: active ? { id: active.id, kind: active.kind, status: active.status } : null,
      lastOperation: lastBy.get(c.id) ?? null,
    };
  });
}

export async function listClusters(db: Db): Promise<ClusterSummary[]> {
  const views = await clusterViews(db.$client, null);
  return views.map(({ config: _c, createdAt: _a, updatedAt: _u, ...v }) => v);
}

export async function clusterDetail(db: Db, id: string): Promise<ClusterDetail> {
  const [v] = await clusterViews(db.$client, id);
  if (!v) throw notFound("Cluster", id);
  return { ...v, config: redactClusterConfig(v.config) };
}

export async function listOperations(db: Db, input: { clusterId?: string; limit: number }): Promise<OperationSummary[]> {
  const rows = await db.$client.unsafe<OpRow[]>(
    `select ${opColumns} from operations o join clusters c on c.id = o.cluster_id
     where ($1::uuid is null or o.cluster_id = $1) order by o.created_at desc, o.id desc limit $2`,
    [input.clusterId ?? null, input.limit],
  );
  return rows.map(toSummary);
}

/** One operation by id (for verbs that return it after a write), on any connection or transaction. */
export async function operationSummary(sql: Sql, id: string): Promise<OperationSummary> {
  const [r] = await sql.unsafe<OpRow[]>(`select ${opColumns} from operations o join clusters c on c.id = o.cluster_id where o.id = $1`, [id]);
  if (!r) throw notFound("Operation", id);
  return toSummary(r);
}

type StepRow = Omit<StepView, "status"> & { status: string };

export async function operationDetail(db: Db, id: string): Promise<OperationDetail> {
  const sql = db.$client;
  const [ops, steps] = await Promise.all([
    sql.unsafe<(OpRow & { preflight: PreflightCheck[]; state: OperationState })[]>(
      `select ${opColumns}, o.preflight, o.state from operations o join clusters c on c.id = o.cluster_id where o.id = $1`,
      [id],
    ),
    sql.unsafe<StepRow[]>(
      `select seq, name, title, status::text as status, command, result, logs, started_at as "startedAt", finished_at as "finishedAt"
       from operation_steps where operation_id = $1 order by seq`,
      [id],
    ),
  ]);
  const [o] = ops;
  if (!o) throw notFound("Operation", id);
  const { preflight, state, ...rest } = o;
  return { ...toSummary(rest), preflight, state, steps: steps.map((s) => ({ ...s, status: s.status as StepView["status"], startedAt: asDate(s.startedAt), finishedAt: asDateOrNull(s.finishedAt) })) };
}
