import type { z } from "zod";
import type { ClusterObservation, MemberObservation, MemberRole } from "@/server/failover/types";
import { formatLsn } from "@/server/failover/lsn";
import { parseJson, patroniClusterDocument } from "../patroni";
import { errorText, restRequest, restUrl, type PatroniClusterConfig } from "./rest";

export type PatroniMember = z.infer<typeof patroniClusterDocument>["members"][number];
export type PatroniCluster = z.infer<typeof patroniClusterDocument>;

/** Patroni's view of the cluster, as read from one member's REST API. */
export type PatroniView = { doc: PatroniCluster; apiUrl: string };

const LEADER_ROLES = new Set(["leader", "primary", "master"]);
const STANDBY_ROLES = new Set(["replica", "sync_standby", "standby_leader"]);
const RUNNING_STATES = new Set(["running", "streaming"]);
const DOWN_STATES = new Set(["stopped", "crashed", "start failed", "stopping"]);

export const isLeader = (m: PatroniMember): boolean => LEADER_ROLES.has(m.role);
export const isRunning = (m: PatroniMember): boolean => RUNNING_STATES.has(m.state);
export const isRunningReplica = (m: PatroniMember): boolean => STANDBY_ROLES.has(m.role) && m.role !== "standby_leader" && isRunning(m);
export const leaderOf = (doc: PatroniCluster): PatroniMember | undefined => doc.members.find(isLeader);

/** "pg1 leader running tl 2, pg2 replica streaming lag 0": what a step logs when the cluster changes. */
export function describeCluster(doc: PatroniCluster): string {
  if (!doc.members.length) return "no members";
  return doc.members
    .map((m) => {
      const parts = [m.name, m.role, m.state || "?"];
      if (m.timeline !== undefined) parts.push(`tl ${m.timeline}`);
      if (!isLeader(m) && m.lag !== undefined) parts.push(`lag ${m.lag}`);
      return parts.join(" ");
    })
    .join(", ");
}

/**
 * GET /cluster on the first configured REST API that answers with a Patroni
 * cluster document. Every URL tried and why it failed is in the error.
 */
export async function readCluster(config: PatroniClusterConfig, signal?: AbortSignal): Promise<PatroniView> {
  const failures: string[] = [];
  for (const base of config.apiUrls) {
    signal?.throwIfAborted();
    const url = restUrl(base, "/cluster");
    try {
      const res = await restRequest(config, url, { signal });
      if (res.status !== 200) {
        failures.push(`${url}: status ${res.status}`);
        continue;
      }
      const parsed = patroniClusterDocument.safeParse(parseJson(res.text));
      if (!parsed.success) {
        failures.push(`${url}: not a Patroni cluster document`);
        continue;
      }
      return { doc: parsed.data, apiUrl: base };
    } catch (err) {
      if (signal?.aborted) throw err;
      failures.push(`${url}: ${errorText(err)}`);
    }
  }
  throw new Error(`no Patroni REST API answered GET /cluster (${failures.join("; ")})`);
}

type MemberStatus = { xlog?: { location?: number; replayed_location?: number; received_location?: number }; replication?: { application_name?: string; sync_state?: string; state?: string }[] };

/** GET {api_url} (the member's /patroni) for its WAL position, which /cluster does not show. */
async function memberStatus(config: PatroniClusterConfig, m: PatroniMember, signal?: AbortSignal): Promise<MemberStatus | null> {
  if (!m.api_url) return null;
  try {
    const res = await restRequest(config, new URL(m.api_url), { signal });
    if (res.status !== 200 && res.status !== 503) return null;
    const body = parseJson(res.text);
    return body && typeof body === "object" ? (body as MemberStatus) : null;
  } catch {
    return null;
  }
}

function roleOf(m: PatroniMember): MemberRole {
  if (DOWN_STATES.has(m.state)) return "down";
  if (LEADER_ROLES.has(m.role)) return "primary";
  if (STANDBY_ROLES.has(m.role)) return "standby";
  return "unknown";
}

function toMember(m: PatroniMember, status: MemberStatus | null, leaderStatus: MemberStatus | null, doc: PatroniCluster): MemberObservation {
  const leader = isLeader(m);
  const running = isRunning(m);
  const bytes = leader ? status?.xlog?.location : status?.xlog?.replayed_location;
  const positionBytes = typeof bytes === "number" && Number.isSafeInteger(bytes) && bytes >= 0 ? BigInt(bytes) : null;
  const replication = leaderStatus?.replication?.find((r) => r.application_name === m.name);
  const message = !running
    ? `Patroni state: ${m.state || "unknown"}`
    : typeof m.lag === "string"
      ? `lag ${m.lag}`
      : null;
  return {
    name: m.name,
    host: m.host ?? "",
    port: m.port ?? 0,
    role: roleOf(m),
    writable: leader && m.state === "running",
    timeline: m.timeline ?? null,
    position: positionBytes === null ? null : formatLsn(positionBytes),
    positionBytes,
    lagBytes: leader ? null : typeof m.lag === "number" ? m.lag : null,
    lagSeconds: null,
    syncState: leader ? null : (replication?.sync_state ?? (m.role === "sync_standby" ? "sync" : null)),
    healthy: running && (leader || typeof m.lag === "number"),
    message,
    details: {
      patroniRole: m.role,
      patroniState: m.state,
      writable: leader && m.state === "running",
      ...(m.api_url ? { apiUrl: m.api_url } : {}),
      ...(m.pending_restart ? { pendingRestart: true } : {}),
      ...(leader && doc.pause ? { paused: true } : {}),
      ...(leader && doc.scheduled_switchover ? { scheduledSwitchover: doc.scheduled_switchover } : {}),
      ...(replication?.state ? { replicationState: replication.state } : {}),
    },
  };
}

/** Patroni's members as Bulwark members, with each member's WAL position from its own REST API (best effort). */
export async function observeCluster(config: PatroniClusterConfig, signal?: AbortSignal): Promise<ClusterObservation> {
  const observedAt = new Date();
  let view: PatroniView;
  try {
    view = await readCluster(config, signal);
  } catch (err) {
    return { observedAt, members: [], error: errorText(err) };
  }
  const statuses = await Promise.all(view.doc.members.map((m) => memberStatus(config, m, signal)));
  const leaderIdx = view.doc.members.findIndex(isLeader);
  const leaderStatus = leaderIdx >= 0 ? (statuses[leaderIdx] ?? null) : null;
  return {
    observedAt,
    members: view.doc.members.map((m, i) => toMember(m, statuses[i] ?? null, leaderStatus, view.doc)),
    error: null,
  };
}
