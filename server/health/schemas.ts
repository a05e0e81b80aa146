import { z } from "zod";

/**
 * One zod schema per component kind, shared by the API, the forms, the YAML
 * importer and the prober. Durations are milliseconds.
 */
export const componentKinds = ["http", "tcp", "websocket", "postgres", "redis", "patroni", "pgbouncer", "push"] as const;
export type ComponentKind = (typeof componentKinds)[number];
export const healthStates = ["healthy", "degraded", "unhealthy", "unknown", "paused", "maintenance"] as const;
export type HealthState = (typeof healthStates)[number];

export const host = z.string().trim().min(1, "Enter a host").max(253).regex(/^[A-Za-z0-9._:-]+$/, "Not a valid host name or address");
export const port = z.coerce.number().int("Port must be a whole number").min(1, "Port must be 1–65535").max(65535, "Port must be 1–65535");
const secret = z.string().max(500).optional();

export const urlWith = (protocols: string[], message: string) =>
  z
    .string()
    .trim()
    .url("Enter a full URL")
    .refine((u) => {
      try {
        return protocols.includes(new URL(u).protocol);
      } catch {
        return true; // not a URL at all: .url() above already says so
      }
    }, message);

export const httpConfig = z.object({
  url: urlWith(["http:", "https:"], "Use an http:// or https:// URL"),
  method: z.enum(["GET", "HEAD", "POST"]).default("GET"),
  headers: z.record(z.string().min(1).max(100), z.string().max(2000)).default({}),
  /** status codes that count as success; ranges like 200-299 are allowed in the form and expanded */
  expectedStatus: z.array(z.number().int().min(100).max(599)).min(1).default([200, 201, 202, 203, 204]),
  bodyContains: z.string().max(1000).optional(),
  /** dotted path into a JSON body, e.g. `status` or `checks.db.status`, and the value it must equal */
  jsonPath: z.object({ path: z.string().min(1).max(200), equals: z.string().max(200) }).optional(),
  /** warn (degraded) when the TLS certificate expires within this many days */
  tlsExpiryWarnDays: z.number().int().min(0).max(365).default(14),
});

export const tcpConfig = z.object({ host, port });

export const websocketConfig = z.object({
  url: urlWith(["ws:", "wss:"], "Use a ws:// or wss:// URL"),
});

export const postgresConfig = z.object({
  host,
  port: port.default(5432),
  database: z.string().min(1).max(63).default("postgres"),
  user: z.string().min(1).max(63),
  password: secret,
  ssl: z.boolean().default(false),
  /** standby replay lag above this is a warning (degraded) */
  maxLagSeconds: z.number().min(0).max(86_400).default(30),
  /** connections in use above this share of max_connections is a warning */
  maxConnectionsPct: z.number().min(1).max(100).default(90),
});

export const redisConfig = z.object({
  host,
  port: port.default(6379),
  password: secret,
  tls: z.boolean().default(false),
});

export const patroniConfig = z.object({
  url: urlWith(["http:", "https:"], "Use the Patroni REST API's http(s):// URL"),
  username: z.string().max(100).optional(),
  password: secret,
  /** a member lagging more than this many bytes is a warning */
  maxLagBytes: z.number().int().min(0).default(16 * 1024 * 1024),
});

export const pgbouncerConfig = z.object({
  host,
  port: port.default(6432),
  user: z.string().min(1).max(63),
  password: secret,
  /** pool use above this share is a warning */
  maxPoolUtilizationPct: z.number().min(1).max(100).default(90),
});

/** A push component receives heartbeats; missing beats past the interval (plus grace) mean unhealthy. */
export const pushConfig = z.object({
  graceMs: z.number().int().min(0).max(3_600_000).default(0),
});

export const kindConfig = {
  http: httpConfig,
  tcp: tcpConfig,
  websocket: websocketConfig,
  postgres: postgresConfig,
  redis: redisConfig,
  patroni: patroniConfig,
  pgbouncer: pgbouncerConfig,
  push: pushConfig,
} as const satisfies Record<ComponentKind, z.ZodType>;

export type KindConfig = { [K in ComponentKind]: z.output<(typeof kindConfig)[K]> };
/** Config fields that are secrets: sealed at rest, never sent to the browser. */
export const secretFields = ["password"] as const;

/** Defaults from the requirements' health-check table: interval / timeout / unhealthy after N failures. */
export const kindDefaults: Record<ComponentKind, { intervalMs: number; timeoutMs: number; unhealthyThreshold: number; healthyThreshold: number }> = {
  http: { intervalMs: 10_000, timeoutMs: 5_000, unhealthyThreshold: 3, healthyThreshold: 2 },
  websocket: { intervalMs: 15_000, timeoutMs: 10_000, unhealthyThreshold: 2, healthyThreshold: 2 },
  tcp: { intervalMs: 5_000, timeoutMs: 3_000, unhealthyThreshold: 2, healthyThreshold: 2 },
  postgres: { intervalMs: 5_000, timeoutMs: 3_000, unhealthyThreshold: 2, healthyThreshold: 2 },
  redis: { intervalMs: 5_000, timeoutMs: 2_000, unhealthyThreshold: 3, healthyThreshold: 2 },
  patroni: { intervalMs: 10_000, timeoutMs: 5_000, unhealthyThreshold: 3, healthyThreshold: 2 },
  pgbouncer: { intervalMs: 10_000, timeoutMs: 5_000, unhealthyThreshold: 3, healthyThreshold: 2 },
  push: { intervalMs: 60_000, timeoutMs: 1_000, unhealthyThreshold: 1, healthyThreshold: 1 },
};

/** Presets for the HTTP form: the health endpoints our requirements name. */
export const httpPresets = ["/health", "/health/ready", "/health/live", "/health/startup"] as const;

const common = {
  name: z.string().trim().min(1, "Enter a name").max(100),
  /** an existing service's id, or the name of a service (created when missing) */
  service: z.string().trim().min(1, "Choose a service").max(100),
  intervalMs: z.number().int().min(1000, "Interval must be at least 1 s").max(86_400_000, "Interval must be at most 24 h").optional(),
  timeoutMs: z.number().int().min(100, "Timeout must be at least 100 ms").max(600_000).optional(),
  unhealthyThreshold: z.number().int().min(1).max(100).optional(),
  healthyThreshold: z.number().int().min(1).max(100).optional(),
  degradedLatencyMs: z.number().int().min(1).max(600_000).nullable().optional(),
  tags: z.array(z.string().trim().min(1).max(50).regex(/^[A-Za-z0-9_.:\/-]+$/, "Tags use letters, digits and _ . : / -")).max(20).default([]),
};

const variant = <K extends ComponentKind>(kind: K) => z.object({ kind: z.literal(kind), config: kindConfig[kind], ...common });

const componentUnion = z.discriminatedUnion(
  "kind",
  [variant("http"), variant("tcp"), variant("websocket"), variant("postgres"), variant("redis"), variant("patroni"), variant("pgbouncer"), variant("push")],
  { error: (issue) => (issue.code === "invalid_union" ? `Unknown kind: use one of ${componentKinds.join(", ")}` : undefined) },
);

/** Fills kind defaults, then checks what spans fields. */
export const componentInput = componentUnion
  .transform((c) => ({ ...kindDefaults[c.kind], degradedLatencyMs: null, ...stripUndefined(c) }))
  .superRefine((c, ctx) => {
    if (c.timeoutMs >= c.intervalMs) ctx.addIssue({ code: "custom", path: ["timeoutMs"], message: "Timeout must be shorter than the interval" });
  });
export type ComponentInput = z.input<typeof componentInput>;
export type ComponentSpec = z.output<typeof componentInput>;

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export const componentIdInput = z.object({ id: z.uuid("Not a valid component id") });
export const updateComponentInput = z.object({ id: z.uuid("Not a valid component id"), component: componentInput });
export const testComponentInput = z.object({ component: componentInput });
export const setPausedInput = z.object({ id: z.uuid(), paused: z.boolean() });

export const serviceInput = z.object({
  name: z.string().trim().min(1, "Enter a name").max(100),
  description: z.string().trim().max(1000).default(""),
});

export const maintenanceInput = z
  .object({
    componentId: z.uuid().optional(),
    serviceId: z.uuid().optional(),
    startsAt: z.coerce.date(),
    endsAt: z.coerce.date(),
    weeklyDays: z.array(z.number().int().min(0).max(6)).max(7).optional(),
    reason: z.string().trim().min(1, "Say why").max(500),
  })
  .refine((m) => Boolean(m.componentId) !== Boolean(m.serviceId), { path: ["componentId"], message: "Choose a component or a service" })
  .refine((m) => m.endsAt > m.startsAt, { path: ["endsAt"], message: "The end must be after the start" });

/** The YAML import document: all-or-nothing. */
export const componentsDocument = z.object({
  components: z.array(z.unknown()).min(1, "The document lists no components").max(20_000),
});
