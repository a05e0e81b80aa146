import { z } from "zod";

/**
 * The demo lab's contracts, shared by the lab process, its control endpoint,
 * the `lab` router and the lab card.
 */
export const labServiceNames = ["api", "websocket", "checkout"] as const;
export type LabServiceName = (typeof labServiceNames)[number];

export const labServiceLabels: Record<LabServiceName, string> = {
  api: "Sample API",
  websocket: "WebSocket",
  checkout: "Checkout (needs the database)",
};

export const MAX_LAB_LATENCY_MS = 30_000;

export const labKnobs = z.object({
  /** added before every response (and before each WebSocket pong) */
  latencyMs: z.number().int("Latency must be whole milliseconds").min(0, "Latency cannot be negative").max(MAX_LAB_LATENCY_MS, "Latency must be at most 30 s"),
  /** share of requests answered 503 (WebSocket: upgrades refused), 0–1 */
  failureRate: z.number().min(0, "Failure rate must be 0–100%").max(1, "Failure rate must be 0–100%"),
  /** the listener is closed: connections are refused */
  down: z.boolean(),
});
export type LabKnobs = z.infer<typeof labKnobs>;
export const defaultKnobs: LabKnobs = { latencyMs: 0, failureRate: 0, down: false };

export const setKnobsInput = labKnobs
  .partial()
  .extend({ service: z.enum(labServiceNames, { error: `Unknown lab service: use one of ${labServiceNames.join(", ")}` }) })
  .refine((k) => k.latencyMs !== undefined || k.failureRate !== undefined || k.down !== undefined, {
    path: ["_form"],
    message: "Change at least one knob",
  });
export type SetKnobsInput = z.input<typeof setKnobsInput>;

export const labServiceState = labKnobs.extend({
  name: z.enum(labServiceNames),
  label: z.string(),
  url: z.string(),
  /** set when the listener could not be (re)opened, e.g. the port was taken meanwhile */
  error: z.string().nullable(),
});
export type LabServiceState = z.infer<typeof labServiceState>;

/** The lab's clusters as its process sees them (the cluster pages observe them through their adapters). */
export const labClustersState = z.object({
  pg: z.object({
    status: z.enum(["starting", "running", "failed"]),
    error: z.string().nullable(),
    /** the member the router forwards new connections to; null while it holds them */
    routedTo: z.enum(["a", "b"]).nullable(),
    routerPort: z.number().int().nullable(),
    members: z.array(z.object({ name: z.string(), port: z.number().int(), running: z.boolean(), standby: z.boolean() })),
    writer: z
      .object({ acked: z.number(), errors: z.number(), lastAckAt: z.string().nullable(), longestGapMs: z.number(), lastError: z.string().nullable() })
      .nullable(),
  }),
  redis: z.object({
    /** off: redis-server / redis-sentinel are not installed */
    status: z.enum(["off", "starting", "running", "failed"]),
    error: z.string().nullable(),
    master: z.number().int().nullable(),
    sentinels: z.array(z.number().int()),
  }),
});
export type LabClustersState = z.infer<typeof labClustersState>;

export const labStatus = z.discriminatedUnion("running", [
  z.object({ running: z.literal(true), startedAt: z.coerce.date(), services: z.array(labServiceState), clusters: labClustersState.optional() }),
  z.object({ running: z.literal(false), reason: z.string() }),
]);
export type LabStatus = z.infer<typeof labStatus>;

/** `<dataDir>/lab.json`: written by the supervisor at start (ports, token); knobs kept by the lab process. */
export const labFile = z.object({
  ports: z.object({ api: z.number().int(), websocket: z.number().int(), checkout: z.number().int(), control: z.number().int() }),
  /** bearer token for the control endpoint; new on every start */
  token: z.string().min(16),
  /** the embedded PostgreSQL's port when the lab was last started (seeded components point at it) */
  pgPort: z.number().int(),
  knobs: z.partialRecord(z.enum(labServiceNames), labKnobs).default({}),
  /** the PostgreSQL pair's members, router and host agent (absent in a lab.json from before the pair) */
  pgPair: z.object({ a: z.number().int(), b: z.number().int(), router: z.number().int(), agent: z.number().int() }).optional(),
  /** the Redis Sentinel trio's ports; absent when redis-server / redis-sentinel are not installed */
  redis: z.object({ master: z.number().int(), replica: z.number().int(), sentinels: z.array(z.number().int()).length(3) }).optional(),
});
export type LabFile = z.infer<typeof labFile>;
