import type { ClusterObservation, ClusterRuntime, MemberObservation } from "@/server/failover/types";
import { addrReply, memberName, pairs, sameAddr, type HostPort, type NodeClients } from "./client";

/**
 * What the sentinels say (master address, its flags, the replicas they know)
 * plus what every data node says about itself (INFO replication). Steps read
 * this richer view; `toObservation` turns it into the contract's
 * ClusterObservation.
 */
export type SentinelView = {
  sentinel: HostPort;
  master: HostPort | null;
  /** SENTINEL master <name> fields: flags, quorum, num-other-sentinels, failover-state, … */
  masterFields: Record<string, string>;
  replicas: Record<string, string>[];
};

export type NodeState = {
  addr: HostPort;
  info: Record<string, string> | null;
  error: string | null;
};

export type Topology = {
  observedAt: Date;
  /** every sentinel that answered, in configured order */
  views: SentinelView[];
  sentinelErrors: string[];
  /** the master according to the first sentinel that answered */
  master: HostPort | null;
  nodes: NodeState[];
};

type Cfg = ClusterRuntime<"redis-sentinel">["config"];

export async function sentinelView(clients: NodeClients, s: HostPort, masterName: string, timeoutMs?: number): Promise<SentinelView> {
  const master = addrReply(await clients.sentinel(s, ["SENTINEL", "get-master-addr-by-name", masterName], timeoutMs));
  const [m, reps] = await Promise.all([
    clients.sentinel(s, ["SENTINEL", "master", masterName], timeoutMs),
    clients.sentinel(s, ["SENTINEL", "replicas", masterName], timeoutMs),
  ]);
  return { sentinel: s, master, masterFields: pairs(m), replicas: Array.isArray(reps) ? reps.map(pairs) : [] };
}

/** Asks every configured sentinel at once: steps need to know whether they agree, not just what one says. */
export async function sentinelViews(clients: NodeClients, cfg: Cfg, timeoutMs?: number): Promise<{ views: SentinelView[]; errors: string[] }> {
  const results = await Promise.allSettled(cfg.sentinels.map((s) => sentinelView(clients, s, cfg.masterName, timeoutMs)));
  const views: SentinelView[] = [];
  const errors: string[] = [];
  results.forEach((r, i) => {
    if (r.status === "fulfilled") views.push(r.value);
    else errors.push(`sentinel ${memberName(cfg.sentinels[i] as HostPort)}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
  });
  return { views, errors };
}

export async function nodeState(clients: NodeClients, addr: HostPort, timeoutMs?: number): Promise<NodeState> {
  try {
    return { addr, info: await clients.info(addr, "replication", timeoutMs), error: null };
  } catch (err) {
    return { addr, info: null, error: err instanceof Error ? err.message : String(err) };
  }
}

export async function topology(clients: NodeClients, cfg: Cfg, signal?: AbortSignal): Promise<Topology> {
  const { views, errors } = await sentinelViews(clients, cfg);
  signal?.throwIfAborted();
  const first = views[0];
  const addrs: HostPort[] = [];
  const push = (a: HostPort | null) => {
    if (a && !addrs.some((x) => sameAddr(x, a))) addrs.push(a);
  };
  push(first?.master ?? null);
  for (const r of first?.replicas ?? []) push(replicaAddr(r));
  const nodes = await Promise.all(addrs.map((a) => nodeState(clients, a)));
  return { observedAt: new Date(), views, sentinelErrors: errors, master: first?.master ?? null, nodes };
}

export function replicaAddr(r: Record<string, string>): HostPort | null {
  const port = Number(r.port);
  return r.ip && Number.isInteger(port) ? { host: r.ip, port } : null;
}

export const roleOf = (n: NodeState | undefined) => n?.info?.role ?? null;
export const nodeAt = (t: Topology, a: HostPort | null) => (a ? t.nodes.find((n) => sameAddr(n.addr, a)) : undefined);
export const flagsOf = (v: SentinelView | undefined) => (v?.masterFields.flags ?? "").split(",").filter(Boolean);

/** the replica's applied offset (a replica's own master_repl_offset is the same figure in Redis 7) */
export function offsetOf(n: NodeState | undefined): bigint | null {
  const raw = n?.info?.role === "slave" ? (n.info.slave_repl_offset ?? n.info.master_repl_offset) : n?.info?.master_repl_offset;
  return raw && /^\d+$/.test(raw) ? BigInt(raw) : null;
}

export function replicaMaster(n: NodeState | undefined): HostPort | null {
  const host = n?.info?.master_host;
  const port = Number(n?.info?.master_port);
  return host && Number.isInteger(port) ? { host, port } : null;
}

/** the master's INFO "slaveN:ip=…,port=…,state=online,offset=…,lag=…" line for one replica */
function replicaLine(master: NodeState | undefined, addr: HostPort): Record<string, string> | null {
  for (const [k, v] of Object.entries(master?.info ?? {})) {
    if (!/^slave\d+$/.test(k)) continue;
    const fields = Object.fromEntries(v.split(",").map((kv) => kv.split("=") as [string, string]));
    if (fields.ip === addr.host && Number(fields.port) === addr.port) return fields;
  }
  return null;
}

export function toObservation(t: Topology): ClusterObservation {
  if (t.views.length === 0) return { observedAt: t.observedAt, members: [], error: `no sentinel answered: ${t.sentinelErrors.join("; ")}` };
  const first = t.views[0] as SentinelView;
  const masterNode = nodeAt(t, t.master);
  const masterOffset = offsetOf(masterNode?.info?.role === "master" ? masterNode : undefined);
  const masterFlags = flagsOf(first);
  const members = t.nodes.map((n): MemberObservation => {
    const isSentinelMaster = sameAddr(n.addr, t.master);
    const sentinelReplica = first.replicas.find((r) => sameAddr(replicaAddr(r), n.addr));
    const role = n.info?.role;
    const offset = offsetOf(n);
    const common = {
      name: memberName(n.addr),
      host: n.addr.host,
      port: n.addr.port,
      timeline: null,
      position: offset === null ? null : offset.toString(),
      positionBytes: offset,
    };
    const details: Record<string, unknown> = {
      sentinelFlags: isSentinelMaster ? masterFlags : (sentinelReplica?.flags ?? "").split(",").filter(Boolean),
      sentinelsAnswering: t.views.length,
      ...(sentinelReplica ? { replicaPriority: Number(sentinelReplica["slave-priority"]) } : {}),
      ...(n.info?.master_replid ? { replid: n.info.master_replid } : {}),
    };
    if (!n.info) {
      return { ...common, role: "down", writable: false, lagBytes: null, lagSeconds: null, syncState: null, healthy: false, message: `unreachable: ${n.error}`, details };
    }
    if (role === "master") {
      const down = masterFlags.some((f) => f === "s_down" || f === "o_down");
      const message = !isSentinelMaster ? `reports itself master, but sentinels say ${t.master ? memberName(t.master) : "none"}` : down ? `sentinels flag it ${masterFlags.join(",")}` : null;
      return {
        ...common,
        role: "primary",
        writable: true,
        lagBytes: 0,
        lagSeconds: 0,
        syncState: null,
        healthy: isSentinelMaster && !down,
        message,
        details: { ...details, connectedReplicas: Number(n.info.connected_slaves ?? 0) },
      };
    }
    if (role === "slave") {
      const linkUp = n.info.master_link_status === "up";
      const ofCurrent = sameAddr(replicaMaster(n), t.master);
      const line = masterNode ? replicaLine(masterNode, n.addr) : null;
      const lagBytes = masterOffset !== null && offset !== null ? Number(masterOffset > offset ? masterOffset - offset : 0n) : null;
      const lagSeconds = line?.lag !== undefined ? Number(line.lag) : n.info.master_last_io_seconds_ago !== undefined ? Number(n.info.master_last_io_seconds_ago) : null;
      const upstream = replicaMaster(n);
      const message = !linkUp ? `replication link ${n.info.master_link_status ?? "unknown"}` : !ofCurrent ? `replicates ${upstream ? memberName(upstream) : "?"}, not the current master` : null;
      return {
        ...common,
        role: "standby",
        writable: false,
        lagBytes,
        lagSeconds: lagSeconds !== null && Number.isFinite(lagSeconds) && lagSeconds >= 0 ? lagSeconds : null,
        syncState: n.info.master_link_status ?? null,
        healthy: linkUp && ofCurrent,
        message,
        details: { ...details, upstream: upstream ? memberName(upstream) : null, replicaState: line?.state ?? null },
      };
    }
    return { ...common, role: "unknown", writable: false, lagBytes: null, lagSeconds: null, syncState: null, healthy: false, message: `role ${role ?? "?"}`, details };
  });
  return { observedAt: t.observedAt, members, error: null };
}
