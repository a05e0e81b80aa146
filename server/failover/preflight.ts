import type { Db } from "@/db/client";
import { notFound } from "../errors";
import { asDate } from "./dates";
import { gateAnswer } from "../slo/gate";
import { positionBytes, positionGap } from "./positions";
import { ACTIVE_STATUSES_SQL } from "./queries";
import type { OverridableCheck } from "./schemas";
import type { MemberRole, OperationKindName, OperationState, Preflight, PreflightCheck, PreflightCheckId } from "./types";

/** An observation older than this does not count: the cluster may have changed since. */
export const OBSERVATION_MAX_AGE_MS = 10_000;

export type PreflightRequest = { clusterId: string; kind: OperationKindName; candidate?: string; overrides?: string[] };

type Member = {
  name: string;
  role: MemberRole;
  position: string | null;
  lagBytes: number | null;
  healthy: boolean;
  message: string | null;
  details: Record<string, unknown>;
};

/** What the observer keeps in cluster_members.details besides the driver's own facts. */
export const memberWritable = (m: { role: MemberRole; healthy: boolean; details: Record<string, unknown> }): boolean =>
  m.healthy && m.role === "primary" && (typeof m.details.writable === "boolean" ? m.details.writable : true);
const lastWritableAt = (m: Member): string | null => (typeof m.details.lastWritableAt === "string" ? m.details.lastWritableAt : null);
const lastPrimaryPosition = (m: Member): string | null => (typeof m.details.lastPrimaryPosition === "string" ? m.details.lastPrimaryPosition : m.position);

export type PreflightResult = {
  preflight: Preflight;
  cluster: { id: string; name: string; serviceId: string | null };
  /** the operation's initial state (failover: when the primary was last seen writable and where it was) */
  initialState: OperationState;
};

const bytes = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

function byLag(a: Member, b: Member): number {
  const la = a.lagBytes ?? Number.POSITIVE_INFINITY;
  const lb = b.lagBytes ?? Number.POSITIVE_INFINITY;
  return la === lb ? a.name.localeCompare(b.name) : la - lb;
}

function byPositionDesc(a: Member, b: Member): number {
  const pa = positionBytes(a.position) ?? -1n;
  const pb = positionBytes(b.position) ?? -1n;
  return pa === pb ? a.name.localeCompare(b.name) : pa > pb ? -1 : 1;
}

async function serviceChecks(db: Db, serviceId: string | null): Promise<PreflightCheck[]> {
  const incident = (ok: boolean, detail: string): PreflightCheck => ({ id: "no_open_incident", label: "No open incident on the service", ok, detail, overridable: true });
  const budget = (ok: boolean, detail: string): PreflightCheck => ({ id: "budget_policy", label: "Error-budget policy allows it", ok, detail, overridable: true });
  if (!serviceId) {
    return [incident(true, "No service linked to this cluster: nothing to check"), budget(true, "No service linked to this cluster: no error-budget policy applies")];
  }
  const [row] = await db.$client<{ name: string; unhealthy: string[] | null; slos: number }[]>`
    select s.name,
      (select array_agg(c.name order by c.name) from components c join component_status st on st.component_id = c.id
        where c.service_id = s.id and st.state = 'unhealthy') as unhealthy,
      (select count(*)::int from slos where service_id = s.id) as slos
    from services s where s.id = ${serviceId}`;
  if (!row) return [incident(true, "The linked service no longer exists"), budget(true, "The linked service no longer exists")];
  const down = row.unhealthy ?? [];
  const out = [
    down.length
      ? incident(false, `Service ${row.name} has unhealthy components: ${down.join(", ")}`)
      : incident(true, `No unhealthy component on service ${row.name}`),
  ];
  if (row.slos === 0) out.push(budget(true, "No SLOs on this service"));
  else {
    const gate = await gateAnswer(db, serviceId);
    if (gate.allowed) out.push(budget(true, gate.override ? `Allowed by an override: ${gate.override.justification}` : `The error-budget policy of ${row.name} allows changes`));
    else out.push(budget(false, `Frozen by ${gate.reasons.map((r) => `${r.slo.name} (${r.tier}, policy ${r.policy})`).join(", ")}`));
  }
  return out;
}

/**
 * The checks a switchover or failover must pass, from the observer's member
 * rows (never a live call: the preflight is shown while the operator decides,
 * and the same evaluation gates the request).
 */
export async function evaluatePreflight(db: Db, input: PreflightRequest): Promise<PreflightResult> {
  const sql = db.$client;
  const [[cluster], members, [active]] = await Promise.all([
    sql<{ id: string; name: string; serviceId: string | null; maxLagBytes: number; observedAt: Date | string | null; observeError: string | null; fresh: boolean }[]>`
      select id, name, service_id as "serviceId", max_lag_bytes::float8 as "maxLagBytes", observed_at as "observedAt", observe_error as "observeError",
        coalesce(observed_at > now() - make_interval(secs => ${OBSERVATION_MAX_AGE_MS / 1000}), false) as fresh
      from clusters where id = ${input.clusterId}`,
    sql<(Omit<Member, "role"> & { role: string })[]>`
      select name, role::text as role, position, lag_bytes::float8 as "lagBytes", healthy, message, details
      from cluster_members where cluster_id = ${input.clusterId} order by name`,
    sql.unsafe<{ id: string }[]>(`select id from operations where cluster_id = $1 and status in ${ACTIVE_STATUSES_SQL}`, [input.clusterId]),
  ]);
  if (!cluster) throw notFound("Cluster", input.clusterId);
  const ms: Member[] = members.map((m) => ({ ...m, role: m.role as MemberRole }));
  const checks: PreflightCheck[] = [];
  const check = (id: PreflightCheckId, label: string, ok: boolean, detail: string) => checks.push({ id, label, ok, detail, overridable: false });

  check(
    "cluster_observed",
    "Cluster observed in the last 10 s",
    cluster.fresh && !cluster.observeError,
    cluster.observeError
      ? `The last observation failed: ${cluster.observeError}`
      : !cluster.observedAt
        ? "Not observed yet: is a worker running?"
        : cluster.fresh
          ? `${ms.length} members observed`
          : `Last observed at ${asDate(cluster.observedAt).toISOString()}: is a worker running?`,
  );

  const primaries = ms.filter((m) => m.role === "primary");
  const writable = ms.filter(memberWritable);
  let fromPrimary: Member | null = null;
  if (input.kind === "switchover") {
    fromPrimary = primaries.length === 1 ? primaries[0]! : null;
    const [p] = primaries;
    if (primaries.length > 1) check("primary_known", "One primary known", false, `Several members report primary: ${primaries.map((m) => m.name).join(", ")}`);
    else if (!p) check("primary_known", "One primary known", false, "No member is observed as primary; if it is down, use a failover");
    else if (!p.healthy) check("primary_known", "One primary known", false, `The primary ${p.name} is unhealthy; if it is down, use a failover`);
    else check("primary_known", "One primary known", true, `${p.name} is the primary`);
  } else {
    // the member last seen writable is the one that went away (its role may read "down" by now)
    fromPrimary =
      [...ms].filter((m) => lastWritableAt(m)).sort((a, b) => (lastWritableAt(b) ?? "").localeCompare(lastWritableAt(a) ?? ""))[0] ?? primaries[0] ?? null;
    const [up] = writable;
    check(
      "primary_down",
      "No writable primary",
      !up,
      up ? `The primary ${up.name} is up; use a switchover` : fromPrimary ? `${fromPrimary.name} is not writable` : "No member is writable",
    );
  }

  const standbys = ms.filter((m) => m.role === "standby" && m.name !== fromPrimary?.name);
  let candidate: Member | null = null;
  if (input.candidate) {
    const wanted = input.candidate.toLowerCase();
    const found = ms.find((m) => m.name.toLowerCase() === wanted) ?? null;
    if (!found) check("candidate_member", "Candidate is a standby of this cluster", false, `${input.candidate} is not a member of ${cluster.name} (members: ${ms.map((m) => m.name).join(", ") || "none observed"})`);
    else if (found.name === fromPrimary?.name || found.role === "primary") check("candidate_member", "Candidate is a standby of this cluster", false, `${found.name} is the primary, not a standby`);
    else {
      candidate = found;
      check("candidate_member", "Candidate is a standby of this cluster", true, `${found.name} (${found.role})`);
    }
  } else {
    const healthy = standbys.filter((m) => m.healthy);
    const pool = healthy.length ? healthy : standbys;
    candidate = [...pool].sort(input.kind === "switchover" ? byLag : byPositionDesc)[0] ?? null;
    check(
      "candidate_member",
      "Candidate is a standby of this cluster",
      candidate !== null,
      candidate ? `${candidate.name}, ${input.kind === "switchover" ? "the healthiest, least-lagging standby" : "the most advanced standby"}` : "No standby to promote",
    );
  }

  if (candidate && input.kind === "failover") {
    // With the primary gone a standby has no WAL receiver, so "streaming" cannot be asked of it: reachable and in recovery is.
    check(
      "candidate_healthy",
      "Candidate reachable and in recovery",
      candidate.role === "standby",
      candidate.role === "standby" ? `${candidate.name} answers as a standby at ${candidate.position ?? "an unknown position"}` : `${candidate.name} is ${candidate.role}${candidate.message ? `: ${candidate.message}` : ""}`,
    );
  } else if (candidate) {
    check("candidate_healthy", "Candidate healthy", candidate.healthy && candidate.role === "standby", candidate.healthy ? `${candidate.name} is a healthy ${candidate.role}` : `${candidate.name} is ${candidate.role === "down" ? "down" : "unhealthy"}${candidate.message ? `: ${candidate.message}` : ""}`);
  } else check("candidate_healthy", "Candidate healthy", false, "No candidate");

  if (input.kind === "switchover") {
    const lag = candidate?.lagBytes;
    const limit = `limit ${bytes(cluster.maxLagBytes)}`;
    check(
      "candidate_lag",
      "Candidate lag under the cluster's limit",
      lag !== null && lag !== undefined && lag <= cluster.maxLagBytes,
      !candidate ? "No candidate" : lag === null || lag === undefined ? `${candidate.name} reports no lag figure` : `${candidate.name} is ${bytes(lag)} behind (${limit})`,
    );
  }

  check("no_running_operation", "No other operation on this cluster", !active, active ? `Operation ${active.id} is active on this cluster` : "None active");

  if (input.kind === "switchover") {
    const overrides = new Set(input.overrides ?? []);
    for (const c of await serviceChecks(db, cluster.serviceId)) {
      checks.push(!c.ok && overrides.has(c.id as OverridableCheck) ? { ...c, overridden: true } : c);
    }
  }

  const rpoEstimateBytes = input.kind === "failover" && fromPrimary && candidate ? positionGap(lastPrimaryPosition(fromPrimary), candidate.position) : null;
  const initialState: OperationState = {};
  if (input.kind === "failover" && fromPrimary) {
    const lost = lastWritableAt(fromPrimary);
    const pos = lastPrimaryPosition(fromPrimary);
    if (lost) initialState.primaryLostAt = lost;
    if (pos) initialState.oldPrimaryPosition = pos;
  }
  return {
    preflight: {
      clusterId: cluster.id,
      kind: input.kind,
      candidate: candidate?.name ?? null,
      fromPrimary: fromPrimary?.name ?? null,
      checks,
      ok: checks.every((c) => c.ok || (c.overridable && c.overridden === true)),
      rpoEstimateBytes,
      runningOperationId: active?.id ?? null,
    },
    cluster: { id: cluster.id, name: cluster.name, serviceId: cluster.serviceId },
    initialState,
  };
}

export async function preflight(db: Db, input: PreflightRequest): Promise<Preflight> {
  return (await evaluatePreflight(db, input)).preflight;
}
