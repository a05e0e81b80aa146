/**
 * Bulwark SLO → OpenSLO v1 document (kind SLO with an inline indicator), the
 * inverse of from-openslo.ts: importing the output gives back the same SLO.
 *
 * - Every SLI is a ratioMetric with `counter: false`: Bulwark's counts are per
 *   minute, not monotonic counters. Prometheus sources carry their `url`
 *   next to `query`; probes and pushed events use `type: Bulwark`.
 * - Rolling windows are written in days (`28d`), calendar ones as 1w/1M/1Q
 *   with a UTC calendar starting on a period boundary (2024-01-01 was a Monday).
 * - Owner and non-default alerting settings travel as `bulwark.dev/`
 *   annotations, since OpenSLO has no field for them.
 */
import { stringify } from "yaml";
import type { SloDefinition } from "../types";
import {
  ANNOTATION_ALERTING,
  ANNOTATION_OWNER,
  BULWARK_SOURCE_TYPE,
  OPENSLO_API_VERSION,
  PROMETHEUS_SOURCE_TYPE,
  type OpenSloSloDocument,
} from "./openslo-schema";

type Exportable = Pick<
  SloDefinition,
  "key" | "name" | "description" | "owner" | "serviceName" | "sli" | "objective" | "window" | "budgetingMethod" | "timesliceTarget" | "alerting" | "labels"
>;

const CALENDAR_START = "2024-01-01 00:00:00";
const METHOD = { occurrences: "Occurrences", timeslices: "Timeslices", ratio_timeslices: "RatioTimeslices" } as const;
const DURATION = { week: "1w", month: "1M", quarter: "1Q" } as const;

type Metric = { metricSource: { type: string; spec: Record<string, unknown> } };

function ratioParts(sli: Exportable["sli"]): { good: Metric; total: Metric } {
  switch (sli.source) {
    case "prometheus":
      return {
        good: { metricSource: { type: PROMETHEUS_SOURCE_TYPE, spec: { url: sli.url, query: sli.goodQuery } } },
        total: { metricSource: { type: PROMETHEUS_SOURCE_TYPE, spec: { url: sli.url, query: sli.totalQuery } } },
      };
    case "push":
      return { good: { metricSource: { type: BULWARK_SOURCE_TYPE, spec: { push: true } } }, total: { metricSource: { type: BULWARK_SOURCE_TYPE, spec: { push: true } } } };
    case "probe": {
      const good: Record<string, unknown> = { componentId: sli.componentId, measure: sli.measure };
      if (sli.measure === "latency" && sli.thresholdMs !== undefined) good.thresholdMs = sli.thresholdMs;
      return { good: { metricSource: { type: BULWARK_SOURCE_TYPE, spec: good } }, total: { metricSource: { type: BULWARK_SOURCE_TYPE, spec: { componentId: sli.componentId } } } };
    }
  }
}

/** Alerting settings worth writing down: anything but the defaults. */
function alertingAnnotation(a: Exportable["alerting"]): string | null {
  const overrides = Object.keys(a.overrides ?? {}).sort();
  if (a.minShortWindowEvents === undefined && overrides.length === 0) return null;
  const sorted: Record<string, unknown> = {};
  for (const k of overrides) sorted[k] = a.overrides[k as keyof typeof a.overrides];
  return JSON.stringify({ ...(a.minShortWindowEvents !== undefined ? { minShortWindowEvents: a.minShortWindowEvents } : {}), overrides: sorted });
}

export function toOpenSloDocument(slo: Exportable): OpenSloSloDocument {
  const metadata: OpenSloSloDocument["metadata"] = { name: slo.key, displayName: slo.name };
  if (Object.keys(slo.labels).length > 0) metadata.labels = Object.fromEntries(Object.entries(slo.labels).sort(([a], [b]) => a.localeCompare(b)));
  const annotations: Record<string, string> = {};
  if (slo.owner) annotations[ANNOTATION_OWNER] = slo.owner;
  const alerting = alertingAnnotation(slo.alerting);
  if (alerting) annotations[ANNOTATION_ALERTING] = alerting;
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;

  const objective: OpenSloSloDocument["spec"]["objectives"][number] = { target: slo.objective };
  if (slo.budgetingMethod !== "occurrences") {
    if (slo.timesliceTarget !== null) objective.timeSliceTarget = slo.timesliceTarget;
    objective.timeSliceWindow = "1m";
  }
  const timeWindow: OpenSloSloDocument["spec"]["timeWindow"] =
    slo.window.kind === "rolling"
      ? [{ duration: `${slo.window.days}d`, isRolling: true }]
      : [{ duration: DURATION[slo.window.unit], isRolling: false, calendar: { startTime: CALENDAR_START, timeZone: "UTC" } }];

  return {
    apiVersion: OPENSLO_API_VERSION,
    kind: "SLO",
    metadata,
    spec: {
      ...(slo.description ? { description: slo.description } : {}),
      service: slo.serviceName,
      indicator: { metadata: { name: slo.key }, spec: { ratioMetric: { counter: false, ...ratioParts(slo.sli) } } },
      timeWindow,
      budgetingMethod: METHOD[slo.budgetingMethod],
      objectives: [objective],
    },
  };
}

/** One YAML stream, documents separated by `---`. Long PromQL stays on one line. */
export function stringifyDocuments(docs: readonly object[]): string {
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join("---\n");
}
