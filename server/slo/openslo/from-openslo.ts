/**
 * OpenSLO v1 YAML → Bulwark SLO inputs, without touching the database.
 *
 * Every document is checked before anything is written: one invalid document
 * rejects the whole file (AppError BAD_REQUEST, field errors keyed
 * `documents.<index>.<path>`). Fields Bulwark does not model are listed as
 * notes instead of being dropped silently.
 *
 * Mapping (OpenSLO → Bulwark):
 *   metadata.name → key · metadata.displayName → name · metadata.labels → labels
 *   (lists joined with ",") · annotation bulwark.dev/owner → owner ·
 *   annotation bulwark.dev/alerting (JSON) → alerting · spec.description →
 *   description · spec.service → service (or the import's default service) ·
 *   indicator / indicatorRef → sli (from-openslo-sli.ts) · budgetingMethod →
 *   occurrences / timeslices / ratio_timeslices · timeWindow Nd|Nw rolling →
 *   rolling days, 1w|1M|1Q calendar (UTC) → calendar week|month|quarter ·
 *   objectives[0].target|targetPercent → objective · timeSliceTarget →
 *   timesliceTarget (time slices are one minute: timeSliceWindow must be 1m).
 */
import { type SloParsed, sloInput } from "../schemas";
import { ImportFindings, type Note, docKey } from "./import-findings";
import { mapIndicator, type DataSourceDoc, type IndicatorAt } from "./from-openslo-sli";
import {
  ANNOTATION_ALERTING,
  ANNOTATION_OWNER,
  ANNOTATION_PROMETHEUS_URL,
  BULWARK_ANNOTATIONS,
  KNOWN_INDICATOR,
  KNOWN_METADATA,
  KNOWN_OBJECTIVE,
  KNOWN_SLI_SPEC,
  KNOWN_SLO_SPEC,
  type OpenSloEnvelope,
  type OpenSloMetadata,
  type OpenSloSliSpec,
  type OpenSloSloSpec,
  dataSourceSpec,
  envelope,
  sliSpec,
  sloSpec,
} from "./openslo-schema";
import { readYamlDocuments } from "./read-yaml";
import { windowOf } from "./from-openslo-window";
import { AppError } from "../../errors";
import type { z } from "zod";

export interface PlannedSlo {
  document: number;
  input: SloParsed;
  /** Bulwark field path (`sli.componentId`) → error key of the OpenSLO field it came from */
  origins: Record<string, string>;
}

export interface ImportPlan {
  slos: PlannedSlo[];
  unsupported: Note[];
}

interface SliDoc {
  index: number;
  metadata: OpenSloMetadata;
  spec: OpenSloSliSpec | null;
  used: boolean;
}

interface Context {
  f: ImportFindings;
  slis: Map<string, SliDoc>;
  dataSources: Map<string, DataSourceDoc>;
  defaultService?: string;
}

const METHODS = { Occurrences: "occurrences", Timeslices: "timeslices", RatioTimeslices: "ratio_timeslices" } as const;
const ALERT_KINDS = new Set(["AlertPolicy", "AlertCondition", "AlertNotificationTarget"]);

function zodIssues(f: ImportFindings, doc: number, prefix: string, error: z.ZodError): void {
  for (const issue of error.issues) {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    f.error(doc, path, issue.message);
  }
}

/** Bulwark field path → OpenSLO error key: the longest recorded prefix wins. */
export function originOf(origins: Record<string, string>, path: readonly PropertyKey[], fallback: string): string {
  for (let n = path.length; n > 0; n--) {
    const hit = origins[path.slice(0, n).map(String).join(".")];
    if (hit) return hit;
  }
  return fallback;
}

function labelsOf(md: OpenSloMetadata, doc: number, origins: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(md.labels ?? {})) {
    out[k] = Array.isArray(v) ? v.map(String).join(",") : String(v);
    origins[`labels.${k}`] = docKey(doc, `metadata.labels.${k}`);
  }
  return out;
}

/** The indicator of an SLO: inline, or a kind SLI document of the same file. */
function indicatorOf(c: Context, doc: number, spec: OpenSloSloSpec): IndicatorAt | null {
  if (spec.indicator && spec.indicatorRef !== undefined) {
    c.f.error(doc, "spec.indicatorRef", "Give indicator or indicatorRef, not both");
    return null;
  }
  if (spec.indicator) {
    c.f.extras(doc, spec.indicator, KNOWN_INDICATOR, "spec.indicator");
    noteSliMetadata(c.f, doc, "spec.indicator.metadata", spec.indicator.metadata);
    c.f.extras(doc, spec.indicator.spec, KNOWN_SLI_SPEC, "spec.indicator.spec");
    return { doc, base: "spec.indicator.spec", spec: spec.indicator.spec };
  }
  if (spec.indicatorRef !== undefined) {
    const sli = c.slis.get(spec.indicatorRef);
    if (!sli) {
      c.f.error(doc, "spec.indicatorRef", `No SLI named "${spec.indicatorRef}" in this file`);
      return null;
    }
    sli.used = true;
    if (!sli.spec) return null; // its own errors are already recorded
    noteSliMetadata(c.f, sli.index, "metadata", sli.metadata);
    c.f.extras(sli.index, sli.spec, KNOWN_SLI_SPEC, "spec");
    return { doc: sli.index, base: "spec", spec: sli.spec };
  }
  c.f.error(doc, "spec.indicator", "An SLO needs an indicator (inline) or an indicatorRef naming an SLI in this file");
  return null;
}

function noteSliMetadata(f: ImportFindings, doc: number, path: string, md: Partial<OpenSloMetadata> | undefined): void {
  if (!md) return;
  const why = "Bulwark keeps the SLI inside its SLO and does not store the SLI's own metadata; not imported";
  for (const k of ["displayName", "labels", "annotations"] as const) if (md[k] !== undefined && md[k] !== null) f.note(doc, `${path}.${k}`, why);
  f.extras(doc, md, KNOWN_METADATA, path);
}

function annotationsOf(c: Context, doc: number, md: OpenSloMetadata, origins: Record<string, string>) {
  const a = md.annotations ?? {};
  for (const k of Object.keys(a)) {
    if (!(BULWARK_ANNOTATIONS as readonly string[]).includes(k)) c.f.note(doc, `metadata.annotations.${k}`, "Annotation not used by Bulwark; not imported");
  }
  const out: { owner?: string; alerting?: unknown; prometheusUrl?: { value: string; key: string } } = {};
  if (a[ANNOTATION_OWNER] !== undefined) {
    out.owner = String(a[ANNOTATION_OWNER]);
    origins.owner = docKey(doc, `metadata.annotations.${ANNOTATION_OWNER}`);
  }
  if (a[ANNOTATION_PROMETHEUS_URL] !== undefined) {
    out.prometheusUrl = { value: String(a[ANNOTATION_PROMETHEUS_URL]), key: docKey(doc, `metadata.annotations.${ANNOTATION_PROMETHEUS_URL}`) };
  }
  if (a[ANNOTATION_ALERTING] !== undefined) {
    const key = docKey(doc, `metadata.annotations.${ANNOTATION_ALERTING}`);
    origins.alerting = key;
    try {
      out.alerting = JSON.parse(String(a[ANNOTATION_ALERTING])) as unknown;
    } catch {
      c.f.errorAt(key, 'Must be JSON of Bulwark alerting settings, e.g. {"minShortWindowEvents":20,"overrides":{"page-1h":{"threshold":10}}}');
    }
  }
  return out;
}

function mapSlo(c: Context, doc: number, env: OpenSloEnvelope, spec: OpenSloSloSpec): PlannedSlo | null {
  const f = c.f;
  const errorsBefore = Object.keys(f.errors).length;
  const md = env.metadata;
  const origins: Record<string, string> = {
    key: docKey(doc, "metadata.name"),
    name: docKey(doc, md.displayName !== undefined ? "metadata.displayName" : "metadata.name"),
    description: docKey(doc, "spec.description"),
    service: docKey(doc, "spec.service"),
    budgetingMethod: docKey(doc, "spec.budgetingMethod"),
    window: docKey(doc, "spec.timeWindow.0.duration"),
    objective: docKey(doc, "spec.objectives.0"),
    timesliceTarget: docKey(doc, "spec.objectives.0.timeSliceTarget"),
  };
  f.extras(doc, env, ["apiVersion", "kind", "metadata", "spec"], "");
  f.extras(doc, md, KNOWN_METADATA, "metadata");
  f.extras(doc, spec, KNOWN_SLO_SPEC, "spec");
  if (spec.alertPolicies && spec.alertPolicies.length > 0) {
    f.note(doc, "spec.alertPolicies", "Alert policies are not imported: Bulwark pages and tickets on multi-window burn rates (the SLO's alerting settings, annotation bulwark.dev/alerting)");
  }
  const annotations = annotationsOf(c, doc, md, origins);
  const labels = labelsOf(md, doc, origins);

  const service = spec.service ?? c.defaultService;
  if (service === undefined) f.error(doc, "spec.service", "Name the service (spec.service), or choose a service for SLOs that name none");

  if (spec.objectives.length > 1) {
    const names = spec.objectives.map((o, i) => o.displayName ?? `#${i}`).join(", ");
    f.error(doc, "spec.objectives", `A Bulwark SLO has one objective; this one has ${spec.objectives.length} (${names}). Split it into one SLO per objective`);
  }
  const o = spec.objectives[0]!;
  const op = "spec.objectives.0";
  f.extras(doc, o, KNOWN_OBJECTIVE, op);
  if (o.indicator !== undefined || o.indicatorRef !== undefined || o.compositeWeight !== undefined) {
    f.error(doc, op, "Composite objectives (indicator, indicatorRef or compositeWeight inside objectives) are not supported");
  }
  if (o.displayName !== undefined) f.note(doc, `${op}.displayName`, "Objective names are not kept (the SLO's name is metadata.displayName)");
  let objective: number | undefined;
  if (o.target !== undefined && o.targetPercent !== undefined) f.error(doc, op, "Give target or targetPercent, not both");
  else if (o.target !== undefined) {
    objective = o.target;
    origins.objective = docKey(doc, `${op}.target`);
  } else if (o.targetPercent !== undefined) {
    // 99.9 / 100 is 0.9990000000000001 in floating point; the author meant 0.999.
    objective = Number.parseFloat((o.targetPercent / 100).toPrecision(12));
    origins.objective = docKey(doc, `${op}.targetPercent`);
  } else f.error(doc, op, "An objective needs target (0–1) or targetPercent (0–100)");

  const method = METHODS[spec.budgetingMethod];
  let timesliceTarget: number | undefined;
  if (method === "occurrences") {
    if (o.timeSliceTarget !== undefined) f.note(doc, `${op}.timeSliceTarget`, "Ignored: time-slice targets apply to Timeslices and RatioTimeslices only");
    if (o.timeSliceWindow !== undefined) f.note(doc, `${op}.timeSliceWindow`, "Ignored: time slices apply to Timeslices and RatioTimeslices only");
  } else {
    timesliceTarget = o.timeSliceTarget;
    const w = o.timeSliceWindow;
    if (w !== undefined && w !== "1m" && w !== 1 && w !== "1") {
      f.error(doc, `${op}.timeSliceWindow`, `Bulwark time slices are one minute long: timeSliceWindow ${String(w)} is not supported (use 1m)`);
    }
  }

  const window = windowOf(f, doc, spec.timeWindow[0]!);
  const ind = indicatorOf(c, doc, spec);
  if (ind?.spec.ratioMetric && (o.op !== undefined || o.value !== undefined)) {
    f.note(doc, `${op}.${o.op !== undefined ? "op" : "value"}`, "Ignored: op and value apply to a thresholdMetric, not to a ratioMetric");
  }
  const sli = ind
    ? mapIndicator(f, ind, { dataSources: c.dataSources, prometheusUrl: annotations.prometheusUrl, objective: o, objectiveKey: docKey(doc, op) })
    : null;
  if (Object.keys(f.errors).length > errorsBefore || !sli || !window || service === undefined) return null;
  Object.assign(origins, sli.origins);

  const candidate = {
    service,
    key: md.name,
    name: md.displayName ?? md.name,
    description: spec.description ?? "",
    owner: annotations.owner ?? "",
    labels,
    sli: sli.sli,
    objective,
    window,
    budgetingMethod: method,
    timesliceTarget,
    ...(annotations.alerting !== undefined ? { alerting: annotations.alerting } : {}),
  };
  const parsed = sloInput.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) f.errorAt(originOf(origins, issue.path, docKey(doc, "spec")), issue.message);
    return null;
  }
  return { document: doc, input: parsed.data, origins };
}

function noteOtherKind(f: ImportFindings, doc: number, kind: string): void {
  if (kind === "Service") f.note(doc, "", "Service documents are not imported: an SLO's spec.service names its service, which is created if it does not exist");
  else if (ALERT_KINDS.has(kind)) f.note(doc, "", `${kind} documents are not imported: Bulwark alerts on multi-window burn rates (the SLO's alerting settings)`);
}

export function planOpenSloImport(yamlText: string, opts: { defaultService?: string } = {}): ImportPlan {
  const f = new ImportFindings();
  const c: Context = { f, slis: new Map(), dataSources: new Map(), defaultService: opts.defaultService };
  const docs: Array<{ index: number; env: OpenSloEnvelope }> = [];

  for (const { index, value } of readYamlDocuments(yamlText)) {
    if (value === null || value === undefined) continue;
    if (typeof value !== "object" || Array.isArray(value)) {
      f.error(index, "", "Each document must be a mapping with apiVersion, kind, metadata and spec");
      continue;
    }
    const env = envelope.safeParse(value);
    if (!env.success) {
      zodIssues(f, index, "", env.error);
      continue;
    }
    docs.push({ index, env: env.data });
    const { kind, metadata } = env.data;
    if (kind === "SLI" || kind === "DataSource") {
      const seen = kind === "SLI" ? c.slis.get(metadata.name) : c.dataSources.get(metadata.name);
      if (seen) f.error(index, "metadata.name", `Document ${seen.index} already defines the ${kind} "${metadata.name}"`);
    }
    if (kind === "SLI") {
      const spec = sliSpec.safeParse(env.data.spec);
      if (!spec.success) zodIssues(f, index, "spec", spec.error);
      c.slis.set(metadata.name, { index, metadata, spec: spec.success ? spec.data : null, used: false });
    } else if (kind === "DataSource") {
      const spec = dataSourceSpec.safeParse(env.data.spec ?? {});
      if (!spec.success) zodIssues(f, index, "spec", spec.error);
      else c.dataSources.set(metadata.name, { index, spec: spec.data, used: false });
    }
  }

  const planned: PlannedSlo[] = [];
  const keys = new Map<string, number>();
  for (const { index, env } of docs) {
    if (env.kind !== "SLO") {
      noteOtherKind(f, index, env.kind);
      continue;
    }
    const spec = sloSpec.safeParse(env.spec);
    if (!spec.success) {
      zodIssues(f, index, "spec", spec.error);
      continue;
    }
    const dup = keys.get(env.metadata.name);
    if (dup !== undefined) f.error(index, "metadata.name", `Document ${dup} already defines the SLO "${env.metadata.name}"`);
    keys.set(env.metadata.name, index);
    const slo = mapSlo(c, index, env, spec.data);
    if (slo) planned.push(slo);
  }
  for (const sli of c.slis.values()) if (!sli.used) f.note(sli.index, "", "SLI not referenced by any SLO's indicatorRef: not imported");
  for (const ds of c.dataSources.values()) if (!ds.used) f.note(ds.index, "", "DataSource not referenced by any imported metric source: not imported");

  if (docs.length === 0 && !f.hasErrors) f.errorAt("yaml", "The YAML holds no OpenSLO documents");
  else if (!docs.some((d) => d.env.kind === "SLO") && !f.hasErrors) f.errorAt("yaml", "The YAML holds no kind: SLO document");
  if (f.hasErrors) {
    const [firstKey, firstMessages] = Object.entries(f.errors)[0]!;
    const n = Object.keys(f.errors).length;
    throw new AppError("BAD_REQUEST", `OpenSLO import rejected (${n} problem${n === 1 ? "" : "s"}, nothing written): ${firstKey}: ${firstMessages[0]}`, { fieldErrors: f.errors });
  }
  return { slos: planned, unsupported: f.unsupported() };
}
