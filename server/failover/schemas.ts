import { z } from "zod";
import { host, port, urlWith } from "../health/schemas";

/**
 * One zod schema per input of the clusters / operations API, shared by the
 * router, the verbs, the forms and the lab seed. Secrets (fields named in
 * `clusterSecretFields`) are sealed before they are stored and replaced by
 * REDACTED before anything leaves the server.
 */
export const clusterAdapters = ["postgres-streaming", "patroni", "redis-sentinel"] as const;
export type ClusterAdapterName = (typeof clusterAdapters)[number];
export const adapterLabels: Record<ClusterAdapterName, string> = {
  "postgres-streaming": "PostgreSQL streaming replication",
  patroni: "Patroni",
  "redis-sentinel": "Redis Sentinel",
};

const secret = z.string().max(1000).optional();
/** On edit a secret may carry the redaction marker, meaning "keep the stored value" (equals REDACTED in server/crypto/secrets.ts; not imported, to keep node:crypto out of client bundles). */
const REDACTED_MARKER = "••••••";
const keepSecret = <T extends z.ZodType>(s: T) => z.union([z.literal(REDACTED_MARKER), s]);
const memberName = z
  .string()
  .trim()
  .min(1, "Enter a member name")
  .max(63)
  // Redis members are named host:port by the sentinels, IPv6 hosts in brackets
  .regex(/^[A-Za-z0-9._:[\]-]+$/, "Use letters, digits, dot, dash, underscore or host:port");
/** A postgres:// URL; several hosts separated by commas (libpq's multi-host form) are fine: only the first is checked by URL parsing. */
/** Credentials in a URL would be stored in clear and shown in step commands: they belong in the secret fields. */
const noUserinfo = (u: string) => {
  try {
    const url = new URL(u);
    return url.username === "" && url.password === "";
  } catch {
    return true; // not a URL: the URL check says so
  }
};
const httpUrlWithoutCredentials = (message: string) =>
  urlWith(["http:", "https:"], message).refine(noUserinfo, "Put the user name and password in their own fields, not in the URL");
const pgUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((u) => {
    const m = /^(postgres(?:ql)?:\/\/(?:[^@/]*@)?)([^/?]*)(.*)$/.exec(u);
    if (!m) return false;
    try {
      return new URL(`${m[1]}${(m[2] ?? "").split(",")[0]}${m[3]}`).hostname.length > 0;
    } catch {
      return false;
    }
  }, "Use a postgres:// connection URL (several hosts separated by commas are fine)");

export const postgresStreamingConfig = z.object({
  /** every member Bulwark may promote or demote; roles are observed, not configured */
  members: z
    .array(z.object({ name: memberName, host, port: port.default(5432) }))
    .min(2, "A streaming cluster needs a primary and at least one standby")
    .max(9)
    .refine((ms) => new Set(ms.map((m) => m.name.toLowerCase())).size === ms.length, "Member names must be unique"),
  database: z.string().min(1).max(63).default("postgres"),
  /** a superuser (pg_promote, ALTER SYSTEM, pg_terminate_backend); also used in primary_conninfo on rejoin */
  user: z.string().min(1).max(63),
  password: secret,
  /**
   * Optional host agent (the lab runs one; see server/failover/agent-protocol.ts)
   * that can stop, start and re-clone members. Without it the fence is SQL-only
   * and the old primary is left fenced for a person to rejoin.
   */
  agentUrl: httpUrlWithoutCredentials("Use the agent's http(s):// URL").optional(),
  agentToken: secret,
  /** where clients write (a router, or a multi-host URL with target_session_attrs=read-write): the write probe measures through it */
  writeProbeUrl: keepSecret(pgUrl).optional(),
});

export const patroniClusterConfig = z.object({
  /** REST API of one or more members; the first that answers GET /cluster is used */
  apiUrls: z.array(httpUrlWithoutCredentials("Use the Patroni REST API's http(s):// URL")).min(1, "Enter at least one Patroni REST API URL").max(9),
  username: z.string().max(100).optional(),
  password: secret,
  /** the leader's client path (e.g. HAProxy) for the write probe */
  writeProbeUrl: keepSecret(pgUrl).optional(),
});

export const redisSentinelConfig = z.object({
  sentinels: z.array(z.object({ host, port: port.default(26379) })).min(1, "Enter at least one sentinel").max(9),
  masterName: z.string().trim().min(1, "Enter the monitored master's name").max(100),
  /** AUTH for the data nodes */
  password: secret,
  sentinelPassword: secret,
  /** write probe: RPUSH sequential ids to a key of its own on the current master during an operation */
  writeProbe: z.boolean().default(true),
});

export const clusterConfigs = {
  "postgres-streaming": postgresStreamingConfig,
  patroni: patroniClusterConfig,
  "redis-sentinel": redisSentinelConfig,
} as const;
export type ClusterConfigs = { [K in ClusterAdapterName]: z.output<(typeof clusterConfigs)[K]> };
export type AnyClusterConfig = ClusterConfigs[ClusterAdapterName];

export const clusterSecretFields = ["password", "agentToken", "writeProbeUrl", "sentinelPassword"] as const;

const clusterName = z
  .string()
  .trim()
  .min(1, "Enter a name")
  .max(100, "At most 100 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "Start with a letter or digit; use letters, digits, space, dot, dash, underscore");

const clusterCommon = {
  name: clusterName,
  description: z.string().max(2000).default(""),
  serviceId: z.uuid("Pick a service").nullable().default(null),
  maxLagBytes: z.number().int().min(0).max(1024 ** 4).default(16 * 1024 * 1024),
};

export const clusterInput = z.discriminatedUnion("adapter", [
  z.object({ ...clusterCommon, adapter: z.literal("postgres-streaming"), config: postgresStreamingConfig }),
  z.object({ ...clusterCommon, adapter: z.literal("patroni"), config: patroniClusterConfig }),
  z.object({ ...clusterCommon, adapter: z.literal("redis-sentinel"), config: redisSentinelConfig }),
]);
export type ClusterInput = z.input<typeof clusterInput>;
export type ClusterInputParsed = z.output<typeof clusterInput>;

export const updateClusterInput = z.intersection(z.object({ id: z.uuid() }), clusterInput);
export const clusterIdInput = z.object({ id: z.uuid("Not a cluster id") });
export const operationIdInput = z.object({ id: z.uuid("Not an operation id") });

/** What can be overridden on request, by name, when its preflight check fails. */
export const overridableChecks = ["no_open_incident", "budget_policy"] as const;
export type OverridableCheck = (typeof overridableChecks)[number];

const reason = z.string().trim().min(10, "Say why in at least 10 characters").max(2000);

export const preflightInput = z.object({
  clusterId: z.uuid("Not a cluster id"),
  kind: z.enum(["switchover", "failover"]),
  /** member name; default: the healthiest, least-lagging standby (switchover) / most advanced by LSN (failover) */
  candidate: memberName.optional(),
  overrides: z.array(z.enum(overridableChecks)).max(overridableChecks.length).default([]),
});

export const switchoverInput = z.object({
  clusterId: z.uuid("Not a cluster id"),
  candidate: memberName.optional(),
  reason,
  /** the cluster's name, typed by the operator */
  confirmName: z.string().trim().min(1, "Type the cluster's name to confirm"),
  /** optional; must be in the future and within 30 days; cancellable until it starts */
  scheduledAt: z.coerce.date().optional(),
  overrides: z.array(z.enum(overridableChecks)).max(overridableChecks.length).default([]),
});
export type SwitchoverInput = z.input<typeof switchoverInput>;

export const failoverInput = z.object({
  clusterId: z.uuid("Not a cluster id"),
  candidate: memberName.optional(),
  reason,
  confirmName: z.string().trim().min(1, "Type the cluster's name to confirm"),
  /** the operator saw the data-loss (RPO) estimate and accepts it */
  acknowledgeDataLoss: z.literal(true, { error: "Acknowledge that writes not yet on the standby may be lost" }),
});
export type FailoverInput = z.input<typeof failoverInput>;

/** admin: close a needs-attention operation after a person checked the cluster */
export const resolveOperationInput = z.object({
  id: z.uuid("Not an operation id"),
  outcome: z.enum(["succeeded", "failed"]),
  note: z.string().trim().min(10, "Say what you checked in at least 10 characters").max(2000),
});

export const listOperationsInput = z.object({
  clusterId: z.uuid().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
