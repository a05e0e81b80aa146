import { z } from "zod";
import { WORKBOOK_RULES } from "./math/burn-alerts";
import { MAX_ROLLING_DAYS } from "./math/windows";

/**
 * One zod schema per SLO input, shared by tRPC, the REST API (/api/v1), the
 * forms and the OpenSLO importer. Ratios (objective, thresholds, remaining)
 * are numbers 0–1 as everywhere in Bulwark; forms show and take percentages.
 */

export const budgetingMethods = ["occurrences", "timeslices", "ratio_timeslices"] as const;
export type BudgetingMethodName = (typeof budgetingMethods)[number];
export const sloStates = ["ok", "warning", "page", "breached", "no_data", "error"] as const;
export type SloStateName = (typeof sloStates)[number];
export const calendarUnits = ["week", "month", "quarter"] as const;
export const burnRuleNames = WORKBOOK_RULES.map((r) => r.name) as [string, ...string[]];

const uuidOrName = z.string().trim().min(1, "Choose a service").max(200);

/** Objectives are ratios strictly inside (0, 1): 0 % and 100 % leave no budget to reason about. */
export const objective = z
  .number({ error: "Objective must be a number" })
  .gt(0, "Objective must be above 0 % (and below 100 %)")
  .lt(1, "Objective must be below 100 %: a 100 % objective has no error budget");

export const windowSpec = z.discriminatedUnion(
  "kind",
  [
    z.object({
      kind: z.literal("rolling"),
      days: z
        .number({ error: "Window length must be a number of days" })
        .int("Window length must be whole days")
        .min(1, "A window must be at least 1 day long")
        .max(MAX_ROLLING_DAYS, `A window can be at most ${MAX_ROLLING_DAYS} days long`),
    }),
    z.object({ kind: z.literal("calendar"), unit: z.enum(calendarUnits, { error: "Calendar windows are week, month or quarter" }) }),
  ],
  { error: "Window must be rolling (days) or calendar (week, month, quarter)" },
);
export type WindowSpecInput = z.infer<typeof windowSpec>;

const httpUrl = z
  .string()
  .trim()
  .url("Enter a full URL")
  .refine((u) => /^https?:\/\//i.test(u), "Use an http:// or https:// URL");
const promQuery = z.string().trim().min(1, "Enter a PromQL query").max(4000);

/**
 * Where the SLI's good/total come from.
 * - probe: a Bulwark component's checks — availability (good = successful checks)
 *   or latency (good = successful checks faster than `thresholdMs`).
 * - push: events sent to POST /api/v1/sli.
 * - prometheus: two instant-vector queries evaluated per minute by the worker
 *   through the Prometheus HTTP API (`query_range`, step 60 s); each should be a
 *   count over one minute, e.g. `sum(increase(http_requests_total{code!~"5.."}[1m]))`.
 */
export const sliSpec = z.discriminatedUnion(
  "source",
  [
    z
      .object({
        source: z.literal("probe"),
        componentId: z.uuid("Choose a component"),
        measure: z.enum(["availability", "latency"]),
        thresholdMs: z.number().int("Latency threshold must be whole milliseconds").min(1, "Latency threshold must be at least 1 ms").max(60_000).optional(),
      })
      .refine((s) => s.measure !== "latency" || s.thresholdMs !== undefined, { path: ["thresholdMs"], message: "A latency SLI needs a threshold" }),
    z.object({ source: z.literal("push") }),
    z.object({
      source: z.literal("prometheus"),
      url: httpUrl,
      goodQuery: promQuery,
      totalQuery: promQuery,
    }),
  ],
  { error: "SLI source must be probe, push or prometheus" },
);
export type SliSpec = z.infer<typeof sliSpec>;

export const burnRuleOverride = z.object({
  threshold: z.number().positive("Threshold must be above 0").optional(),
  budgetFraction: z.number().gt(0, "Budget fraction must be above 0").max(1, "Budget fraction must be at most 100 %").optional(),
  disabled: z.boolean().optional(),
});

export const alertingSpec = z.object({
  /** low-traffic guard: no alert while the short window holds fewer events (minutes, for time-slice SLOs) */
  minShortWindowEvents: z.number().int().min(0).max(1_000_000).optional(),
  overrides: z.partialRecord(z.enum(burnRuleNames, { error: `Unknown burn rule: use ${burnRuleNames.join(", ")}` }), burnRuleOverride).default({}),
});
export type AlertingSpec = z.infer<typeof alertingSpec>;

export const sloKey = z
  .string()
  .trim()
  .min(1)
  .max(63, "Key must be at most 63 characters")
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "Key is lowercase letters, digits and dashes (like a DNS label)");

/** A key from a name: "Checkout availability (99.9%)" → "checkout-availability-99-9". Shared by the server and the form's placeholder. */
export function slugify(name: string): string {
  const s = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return s || "slo";
}

export const labels = z.record(
  z.string().trim().min(1, "Label names cannot be empty").max(63).regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, "Label names start with a letter or _"),
  z.string().max(200),
);

/** The parts of an SLO that decide its figures: what the live preview needs. */
export const sloMath = z
  .object({
    sli: sliSpec,
    objective,
    window: windowSpec,
    budgetingMethod: z.enum(budgetingMethods).default("occurrences"),
    /** time-slice methods: a minute is good when good/total ≥ this ratio */
    timesliceTarget: z.number().gt(0, "Time-slice target must be above 0 %").max(1, "Time-slice target must be at most 100 %").optional(),
    alerting: alertingSpec.default({ overrides: {} }),
  })
  .refine((s) => s.budgetingMethod !== "timeslices" || s.timesliceTarget !== undefined, {
    path: ["timesliceTarget"],
    message: "Time-slice SLOs need a per-minute target (e.g. 95 %)",
  });

const sloFields = z.object({
  /** service id or name; a new name creates the service */
  service: uuidOrName,
  /** defaults to a slug of the name */
  key: sloKey.optional(),
  name: z.string().trim().min(1, "Give the SLO a name").max(120),
  description: z.string().max(2000).default(""),
  owner: z.string().trim().max(200).default(""),
  labels: labels.default({}),
});

export const sloInput = z.intersection(sloFields, sloMath);
export type SloInput = z.input<typeof sloInput>;
export type SloParsed = z.output<typeof sloInput>;

export const updateSloInput = z.intersection(z.object({ id: z.uuid() }), sloInput);
export const sloIdInput = z.object({ id: z.uuid("Not an SLO id") });

export const listSlosInput = z
  .object({
    service: z.string().max(200).optional(),
    state: z.enum(sloStates).optional(),
    owner: z.string().max(200).optional(),
  })
  .default({});

/** Preview of a not-yet-saved SLO from existing data; `id` lets an edit reuse the SLO's own pushed data. */
export const previewInput = z.intersection(sloMath, z.object({ id: z.uuid().optional() }));

export const seriesInput = z.object({ id: z.uuid(), days: z.number().int().min(1).max(MAX_ROLLING_DAYS).default(30) });

export const adjustmentInput = z
  .object({
    sloId: z.uuid("Choose an SLO"),
    start: z.coerce.date({ error: "Enter a start time" }),
    end: z.coerce.date({ error: "Enter an end time" }),
    reason: z.string().trim().min(3, "Say why this time is excluded").max(500),
  })
  .refine((a) => a.end.getTime() > a.start.getTime(), { path: ["end"], message: "End must be after start" });
export const adjustmentIdInput = z.object({ id: z.uuid() });

export const policyActions = ["notify", "review", "freeze"] as const;
export type PolicyAction = (typeof policyActions)[number];

/** A tier applies while the remaining budget is below `below` (0–1; 0 means exhausted: remaining ≤ 0). */
export const policyTier = z.object({
  name: z.string().trim().min(1).max(60),
  below: z.number().min(0, "Tier threshold must be 0–100 %").max(1, "Tier threshold must be 0–100 %"),
  action: z.enum(policyActions),
});
export const policyTiers = z
  .array(policyTier)
  .min(1, "A policy needs at least one tier")
  .max(10)
  .refine((ts) => new Set(ts.map((t) => t.below)).size === ts.length, "Two tiers cannot share a threshold");
export type PolicyTier = z.infer<typeof policyTier>;

export const DEFAULT_POLICY_TIERS: PolicyTier[] = [
  { name: "Notify owners", below: 0.5, action: "notify" },
  { name: "Risky changes need review", below: 0.25, action: "review" },
  { name: "Freeze deploys except fixes", below: 0, action: "freeze" },
];

export const policyInput = z
  .object({
    id: z.uuid().optional(),
    name: z.string().trim().min(1, "Name the policy").max(120),
    /** exactly one of service (id or name) and sloId */
    service: z.string().trim().min(1).max(200).optional(),
    sloId: z.uuid().optional(),
    tiers: policyTiers,
  })
  .refine((p) => (p.service === undefined) !== (p.sloId === undefined), { path: ["service"], message: "Attach the policy to a service or to one SLO" });
export const policyIdInput = z.object({ id: z.uuid() });

export const tokenScopes = ["sli:write", "gate:read"] as const;
export type TokenScope = (typeof tokenScopes)[number];
export const createTokenInput = z.object({
  service: uuidOrName,
  name: z.string().trim().min(1, "Name the token (e.g. the CI job that uses it)").max(120),
  scopes: z.array(z.enum(tokenScopes)).min(1, "Pick at least one scope"),
});
export const tokenIdInput = z.object({ id: z.uuid() });

/** Days in the SLO list's sparkline (SloListRow.spark), kept on slo_status by the evaluator. */
export const SPARK_DAYS = 30;

/** Largest batch accepted by POST /api/v1/sli. */
export const MAX_SLI_BATCH = 10_000;

export const sliEvent = z
  .object({
    /** the SLO's id or key; `key` is accepted as an alias */
    slo: z.string().trim().min(1).max(200).optional(),
    key: z.string().trim().min(1).max(200).optional(),
    /** ISO 8601 or epoch milliseconds */
    timestamp: z.union([z.number().finite(), z.string().min(1)]).pipe(z.coerce.date({ error: "timestamp must be ISO 8601 or epoch milliseconds" })),
    good: z.number().finite().min(0, "good cannot be negative"),
    total: z.number().finite().min(0, "total cannot be negative"),
  })
  .refine((e) => e.slo !== undefined || e.key !== undefined, { path: ["slo"], message: "Name the SLO (slo or key)" })
  .refine((e) => e.good <= e.total, { path: ["good"], message: "good cannot exceed total" });
export type SliEvent = z.output<typeof sliEvent>;

export const sliBatchInput = z.object({
  idempotencyKey: z.string().trim().min(1, "Send an idempotency key (body idempotencyKey or Idempotency-Key header)").max(200),
  events: z.array(sliEvent).min(1, "A batch needs at least one event").max(MAX_SLI_BATCH, `At most ${MAX_SLI_BATCH} events per batch`),
});
export type SliBatchInput = z.output<typeof sliBatchInput>;

export const gateQuery = z.object({ service: z.string().trim().min(1, "Pass ?service=<name or id>").max(200) });

export const gateOverrideInput = z.object({
  service: uuidOrName,
  justification: z.string().trim().min(10, "Justify the override in a sentence (at least 10 characters)").max(1000),
  durationMinutes: z.number().int().min(5, "At least 5 minutes").max(7 * 24 * 60, "At most 7 days"),
});
export const overrideIdInput = z.object({ id: z.uuid() });

export const openSloImportInput = z.object({
  yaml: z.string().min(1, "Paste OpenSLO YAML").max(1_000_000),
  /** service for SLOs whose spec names none */
  service: z.string().trim().min(1).max(200).optional(),
  /** validate and report, write nothing */
  dryRun: z.boolean().default(false),
});

export const openSloExportInput = z.object({ ids: z.array(z.uuid()).max(5000).optional(), service: z.string().max(200).optional() }).default({});

export const reportInput = z.object({
  service: z.string().trim().min(1).max(200),
  /** YYYY-MM, UTC */
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Month is YYYY-MM"),
});
