/**
 * The subset of OpenSLO v1 (https://github.com/OpenSLO/OpenSLO, README
 * "Specification") that Bulwark reads and writes, as zod schemas.
 *
 * Objects are loose on purpose: a field Bulwark does not model must reach the
 * importer so it can be reported (ImportReport.unsupported), not vanish in the
 * parser. The importer compares each object's keys with the `KNOWN_*` lists.
 *
 * Bulwark-specific parts use the extension points the spec leaves open:
 * - metricSource `type: Bulwark` with `spec: { componentId, measure, thresholdMs }`
 *   (probe checks) or `spec: { push: true }` (events sent to POST /api/v1/sli);
 * - annotations under `bulwark.dev/` for what OpenSLO has no field for.
 */
import { z } from "zod";

export const OPENSLO_API_VERSION = "openslo/v1";

export const ANNOTATION_OWNER = "bulwark.dev/owner";
/** Fallback Prometheus base URL when a metricSource names none. */
export const ANNOTATION_PROMETHEUS_URL = "bulwark.dev/prometheus-url";
/** The SLO's alerting settings (burn-rule overrides, low-traffic guard) as JSON: OpenSLO alert policies cannot say this. */
export const ANNOTATION_ALERTING = "bulwark.dev/alerting";
export const BULWARK_ANNOTATIONS = [ANNOTATION_OWNER, ANNOTATION_PROMETHEUS_URL, ANNOTATION_ALERTING] as const;

export const BULWARK_SOURCE_TYPE = "Bulwark";
export const PROMETHEUS_SOURCE_TYPE = "Prometheus";

export const openSloKinds = ["SLO", "SLI", "Service", "DataSource", "AlertPolicy", "AlertCondition", "AlertNotificationTarget"] as const;
export type OpenSloKind = (typeof openSloKinds)[number];

const record = z.record(z.string(), z.unknown());

const labelValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean()]))], {
  error: "A label value is a string or a list of strings",
});

export const metadata = z.looseObject({
  name: z.string({ error: "metadata.name is required" }).min(1, "metadata.name is required"),
  displayName: z.string().optional(),
  labels: z.record(z.string(), labelValue).nullish(),
  annotations: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: "An annotation value is a string" })).nullish(),
});
export type OpenSloMetadata = z.infer<typeof metadata>;
export const KNOWN_METADATA = ["name", "displayName", "labels", "annotations"];

/** Inline SLIs may leave out metadata.name: it only names the indicator. */
const inlineMetadata = metadata.extend({ name: z.string().optional() });

export const metricSource = z.looseObject({
  metricSourceRef: z.string().optional(),
  type: z.string().optional(),
  spec: record.nullish(),
});
export type OpenSloMetricSource = z.infer<typeof metricSource>;
export const KNOWN_METRIC_SOURCE = ["metricSourceRef", "type", "spec"];

export const metric = z.looseObject({ metricSource });
export const KNOWN_METRIC = ["metricSource"];

export const ratioMetric = z.looseObject({
  counter: z.boolean().optional(),
  good: metric.optional(),
  bad: metric.optional(),
  total: metric.optional(),
  rawType: z.enum(["success", "failure"]).optional(),
  raw: metric.optional(),
});
export type OpenSloRatioMetric = z.infer<typeof ratioMetric>;
export const KNOWN_RATIO_METRIC = ["counter", "good", "bad", "total", "rawType", "raw"];

export const sliSpec = z
  .looseObject({
    description: z.string().optional(),
    thresholdMetric: metric.optional(),
    ratioMetric: ratioMetric.optional(),
  })
  .refine((s) => (s.thresholdMetric === undefined) !== (s.ratioMetric === undefined), {
    message: "An SLI has either ratioMetric or thresholdMetric (exactly one)",
  });
export type OpenSloSliSpec = z.infer<typeof sliSpec>;
export const KNOWN_SLI_SPEC = ["description", "thresholdMetric", "ratioMetric"];

export const inlineIndicator = z.looseObject({ metadata: inlineMetadata.optional(), spec: sliSpec });
export type OpenSloIndicator = z.infer<typeof inlineIndicator>;
export const KNOWN_INDICATOR = ["metadata", "spec"];

const durationShorthand = z.string().regex(/^[1-9][0-9]*[mhdwMQY]$/, "A duration is a number and one of m h d w M Q Y, e.g. 28d, 1w, 1M, 1Q");

export const timeWindow = z.looseObject({
  duration: durationShorthand,
  isRolling: z.boolean().optional(),
  calendar: z
    .looseObject({
      // yaml's default (1.2 core) schema keeps "2024-01-01 00:00:00" a string; a Date only appears with the 1.1 schema.
      startTime: z.union([z.string(), z.date()]).optional(),
      timeZone: z.string().optional(),
    })
    .optional(),
});
export type OpenSloTimeWindow = z.infer<typeof timeWindow>;
export const KNOWN_TIME_WINDOW = ["duration", "isRolling", "calendar"];
export const KNOWN_CALENDAR = ["startTime", "timeZone"];

export const objective = z.looseObject({
  displayName: z.string().optional(),
  op: z.enum(["lte", "gte", "lt", "gt"]).optional(),
  value: z.number().optional(),
  target: z.number().optional(),
  targetPercent: z.number().optional(),
  timeSliceTarget: z.number().optional(),
  timeSliceWindow: z.union([z.string(), z.number()]).optional(),
  indicator: z.unknown().optional(),
  indicatorRef: z.string().optional(),
  compositeWeight: z.number().optional(),
});
export type OpenSloObjective = z.infer<typeof objective>;
export const KNOWN_OBJECTIVE = ["displayName", "op", "value", "target", "targetPercent", "timeSliceTarget", "timeSliceWindow", "indicator", "indicatorRef", "compositeWeight"];

export const openSloBudgetingMethods = ["Occurrences", "Timeslices", "RatioTimeslices"] as const;

export const sloSpec = z.looseObject({
  description: z.string().optional(),
  service: z.string().optional(),
  indicator: inlineIndicator.optional(),
  indicatorRef: z.string().optional(),
  timeWindow: z.array(timeWindow, { error: "timeWindow is required: a list with one rolling or calendar window" }).min(1, "timeWindow needs exactly one item").max(1, "timeWindow takes exactly one item"),
  budgetingMethod: z.enum(openSloBudgetingMethods, { error: "budgetingMethod is Occurrences, Timeslices or RatioTimeslices" }),
  objectives: z.array(objective, { error: "objectives is required: a list with one objective (target or targetPercent)" }).min(1, "An SLO needs an objective"),
  alertPolicies: z.array(z.unknown()).nullish(),
});
export type OpenSloSloSpec = z.infer<typeof sloSpec>;
export const KNOWN_SLO_SPEC = ["description", "service", "indicator", "indicatorRef", "timeWindow", "budgetingMethod", "objectives", "alertPolicies"];

export const dataSourceSpec = z.looseObject({
  description: z.string().optional(),
  type: z.string().optional(),
  connectionDetails: record.nullish(),
});
export type OpenSloDataSourceSpec = z.infer<typeof dataSourceSpec>;

/** What every document has; the spec is checked per kind. */
export const envelope = z.object({
  apiVersion: z.literal(OPENSLO_API_VERSION, { error: `apiVersion must be ${OPENSLO_API_VERSION} (the only version Bulwark reads)` }),
  kind: z.enum(openSloKinds, { error: `kind must be one of ${openSloKinds.join(", ")}` }),
  metadata,
  spec: z.unknown(),
});
export type OpenSloEnvelope = z.infer<typeof envelope>;

/** A document as the exporter writes it (kind SLO with an inline indicator). */
export interface OpenSloSloDocument {
  apiVersion: typeof OPENSLO_API_VERSION;
  kind: "SLO";
  metadata: { name: string; displayName?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    description?: string;
    service: string;
    indicator: { metadata: { name: string }; spec: { ratioMetric: { counter: boolean; good: { metricSource: { type: string; spec: Record<string, unknown> } }; total: { metricSource: { type: string; spec: Record<string, unknown> } } } } };
    timeWindow: Array<{ duration: string; isRolling: boolean; calendar?: { startTime: string; timeZone: string } }>;
    budgetingMethod: (typeof openSloBudgetingMethods)[number];
    objectives: Array<{ target: number; timeSliceTarget?: number; timeSliceWindow?: string }>;
  };
}
