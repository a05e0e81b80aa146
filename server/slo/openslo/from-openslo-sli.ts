/**
 * OpenSLO indicator → Bulwark SLI (`sliSpec` in server/slo/schemas.ts).
 *
 * Supported:
 * - ratioMetric good|bad + total, both `type: Prometheus` with `spec.query`
 *   → prometheus SLI. `bad` becomes goodQuery = `(total) - (bad)`, which is
 *   the same ratio because Bulwark divides good by total per minute.
 * - ratioMetric good + total, `type: Bulwark` → probe (spec.componentId,
 *   measure, thresholdMs) or push (spec.push: true).
 * - thresholdMetric `type: Bulwark` with spec.componentId and an objective
 *   `op: lt|lte, value: <ms>` → probe latency SLI.
 * Everything else is an error (the SLO would not measure anything) or a note.
 */
import type { OpenSloObjective, OpenSloSliSpec, OpenSloDataSourceSpec } from "./openslo-schema";
import {
  ANNOTATION_PROMETHEUS_URL,
  BULWARK_SOURCE_TYPE,
  KNOWN_METRIC,
  KNOWN_METRIC_SOURCE,
  KNOWN_RATIO_METRIC,
  PROMETHEUS_SOURCE_TYPE,
  type OpenSloRatioMetric,
} from "./openslo-schema";
import { type ImportFindings, docKey } from "./import-findings";

export interface DataSourceDoc {
  index: number;
  spec: OpenSloDataSourceSpec;
  used: boolean;
}

export interface IndicatorAt {
  /** document holding the indicator: the SLO (inline) or a kind SLI document */
  doc: number;
  /** path of the SLI spec inside that document, e.g. `spec.indicator.spec` */
  base: string;
  spec: OpenSloSliSpec;
}

export interface SliContext {
  dataSources: Map<string, DataSourceDoc>;
  /** annotation on the SLO, with its error key */
  prometheusUrl?: { value: string; key: string };
  objective: OpenSloObjective;
  /** error key prefix of the objective, e.g. `documents.0.spec.objectives.0` */
  objectiveKey: string;
}

export interface SliMapping {
  sli: Record<string, unknown>;
  /** Bulwark field (`sli.goodQuery`) → the error key of the OpenSLO field it came from */
  origins: Record<string, string>;
}

interface Source {
  type: string;
  spec: Record<string, unknown>;
  connection: Record<string, unknown>;
  /** path of the metricSource inside its document */
  path: string;
}

const sameType = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function resolveSource(f: ImportFindings, doc: number, path: string, m: { metricSource: Record<string, unknown> & { metricSourceRef?: string; type?: string; spec?: Record<string, unknown> | null } }, ctx: SliContext): Source | null {
  f.extras(doc, m, KNOWN_METRIC, path);
  const ms = m.metricSource;
  const msPath = `${path}.metricSource`;
  f.extras(doc, ms, KNOWN_METRIC_SOURCE, msPath);
  let type = ms.type;
  let connection: Record<string, unknown> = {};
  const ref = ms.metricSourceRef;
  const ds = ref === undefined ? undefined : ctx.dataSources.get(ref);
  if (ds) {
    ds.used = true;
    type ??= ds.spec.type;
    connection = ds.spec.connectionDetails ?? {};
  }
  if (!type) {
    f.error(doc, `${msPath}.type`, ref !== undefined && !ds ? `No DataSource named "${ref}" in this file, and no type given` : "metricSource.type is required (Prometheus or Bulwark)");
    return null;
  }
  return { type, spec: ms.spec ?? {}, connection, path: msPath };
}

function unsupportedType(f: ImportFindings, doc: number, s: Source): void {
  f.error(doc, `${s.path}.type`, `Metric source type "${s.type}" is not supported: Bulwark reads Prometheus (spec.query) and its own probes or pushed events (type: ${BULWARK_SOURCE_TYPE})`);
}

function prometheusUrl(f: ImportFindings, doc: number, parts: Source[], ctx: SliContext): { value: string; key: string } | null {
  let found: { value: string; key: string } | null = null;
  for (const p of parts) {
    const fromSpec = p.spec.url;
    const fromDs = p.connection.url;
    const value = fromSpec ?? fromDs;
    if (value === undefined) continue;
    const key = docKey(doc, fromSpec !== undefined ? `${p.path}.spec.url` : `${p.path}.metricSourceRef`);
    if (typeof value !== "string") {
      f.errorAt(key, "The Prometheus URL must be a string");
      return null;
    }
    if (found && found.value !== value) {
      f.errorAt(key, `good and total must read the same Prometheus (${found.value} vs ${value})`);
      return null;
    }
    found ??= { value, key };
  }
  if (found) return found;
  if (ctx.prometheusUrl) return ctx.prometheusUrl;
  f.error(doc, `${parts[0]?.path ?? "spec"}.spec.url`, `Say where Prometheus is: metricSource.spec.url, a DataSource with connectionDetails.url, or the SLO annotation ${ANNOTATION_PROMETHEUS_URL}`);
  return null;
}

function queryOf(f: ImportFindings, doc: number, s: Source): string | null {
  const q = s.spec.query;
  if (typeof q !== "string" || q.trim() === "") {
    f.error(doc, `${s.path}.spec.query`, "A Prometheus metric source needs spec.query (a PromQL query)");
    return null;
  }
  f.extras(doc, s.spec, ["query", "url"], `${s.path}.spec`, "Bulwark uses only query and url of a Prometheus source; this field was not imported");
  return q.trim();
}

function noteConnection(f: ImportFindings, ctx: SliContext): void {
  for (const ds of ctx.dataSources.values()) {
    if (ds.used) f.extras(ds.index, ds.spec.connectionDetails, ["url"], "spec.connectionDetails", "Bulwark queries Prometheus at a URL without credentials; this connection detail was not imported");
  }
}

/** Probe or push from the merged Bulwark specs of good and total. */
function bulwarkSli(f: ImportFindings, doc: number, parts: Source[]): SliMapping | null {
  const merged: Record<string, unknown> = {};
  const origins: Record<string, string> = {};
  let ok = true;
  for (const p of parts) {
    for (const [k, v] of Object.entries(p.spec)) {
      if (merged[k] !== undefined && merged[k] !== v) {
        f.error(doc, `${p.path}.spec.${k}`, `good and total disagree on ${k}`);
        ok = false;
      }
      merged[k] ??= v;
      origins[`sli.${k}`] ??= docKey(doc, `${p.path}.spec.${k}`);
    }
    f.extras(doc, p.spec, ["push", "componentId", "measure", "thresholdMs"], `${p.path}.spec`);
  }
  if (!ok) return null;
  const first = parts[0]!;
  if (merged.push === true) {
    if (merged.componentId !== undefined) {
      f.error(doc, `${first.path}.spec`, "A Bulwark source is either pushed (push: true) or a component's probe (componentId), not both");
      return null;
    }
    return { sli: { source: "push" }, origins };
  }
  if (merged.componentId === undefined) {
    f.error(doc, `${first.path}.spec`, "A Bulwark metric source names a componentId (probe checks) or sets push: true (events sent to POST /api/v1/sli)");
    return null;
  }
  const measure = merged.measure ?? (merged.thresholdMs !== undefined ? "latency" : "availability");
  const sli: Record<string, unknown> = { source: "probe", componentId: merged.componentId, measure };
  if (merged.thresholdMs !== undefined) sli.thresholdMs = merged.thresholdMs;
  origins["sli.source"] = docKey(doc, `${first.path}.type`);
  return { sli, origins };
}

function fromRatio(f: ImportFindings, ind: IndicatorAt, r: OpenSloRatioMetric, ctx: SliContext): SliMapping | null {
  const base = `${ind.base}.ratioMetric`;
  const doc = ind.doc;
  f.extras(doc, r, KNOWN_RATIO_METRIC, base);
  if (r.raw !== undefined || r.rawType !== undefined) {
    f.error(doc, `${base}.raw`, "Precomputed ratios (raw, rawType) cannot be imported: Bulwark counts good and total events. Use good (or bad) and total");
    return null;
  }
  if (r.good && r.bad) {
    f.error(doc, `${base}.bad`, "Give good or bad, not both");
    return null;
  }
  const numerator = r.good ? ({ part: "good", m: r.good } as const) : r.bad ? ({ part: "bad", m: r.bad } as const) : null;
  if (!numerator || !r.total) {
    f.error(doc, numerator ? `${base}.total` : `${base}.good`, "A ratioMetric needs good (or bad) and total");
    return null;
  }
  const num = resolveSource(f, doc, `${base}.${numerator.part}`, numerator.m, ctx);
  const total = resolveSource(f, doc, `${base}.total`, r.total, ctx);
  if (!num || !total) return null;
  if (!sameType(num.type, total.type)) {
    f.error(doc, `${total.path}.type`, `good/bad and total must come from the same kind of source (${num.type} vs ${total.type})`);
    return null;
  }
  if (sameType(num.type, PROMETHEUS_SOURCE_TYPE)) {
    if (r.counter === true) {
      f.note(doc, `${base}.counter`, "counter: true is not applied: Bulwark runs each query once a minute and expects that minute's count, e.g. sum(increase(requests_total[1m]))");
    }
    const numQ = queryOf(f, doc, num);
    const totalQ = queryOf(f, doc, total);
    const url = prometheusUrl(f, doc, [num, total], ctx);
    noteConnection(f, ctx);
    if (numQ === null || totalQ === null || url === null) return null;
    const goodQuery = numerator.part === "good" ? numQ : `(${totalQ}) - (${numQ})`;
    return {
      sli: { source: "prometheus", url: url.value, goodQuery, totalQuery: totalQ },
      origins: { "sli.url": url.key, "sli.goodQuery": docKey(doc, `${num.path}.spec.query`), "sli.totalQuery": docKey(doc, `${total.path}.spec.query`) },
    };
  }
  if (sameType(num.type, BULWARK_SOURCE_TYPE)) {
    if (numerator.part === "bad") {
      f.error(doc, `${base}.bad`, `A ${BULWARK_SOURCE_TYPE} source counts good events: use good and total`);
      return null;
    }
    if (r.counter === true) f.note(doc, `${base}.counter`, `counter has no meaning for a ${BULWARK_SOURCE_TYPE} source and was ignored`);
    return bulwarkSli(f, doc, [num, total]);
  }
  unsupportedType(f, doc, num);
  return null;
}

function fromThreshold(f: ImportFindings, ind: IndicatorAt, ctx: SliContext): SliMapping | null {
  const doc = ind.doc;
  const base = `${ind.base}.thresholdMetric`;
  const src = resolveSource(f, doc, base, ind.spec.thresholdMetric!, ctx);
  if (!src) return null;
  if (!sameType(src.type, BULWARK_SOURCE_TYPE)) {
    f.error(
      doc,
      `${src.path}.type`,
      `thresholdMetric is supported only for a Bulwark probe's latency (type: ${BULWARK_SOURCE_TYPE}, spec.componentId, objective op lt and value in ms); for ${src.type} use ratioMetric with good and total counts`,
    );
    return null;
  }
  const o = ctx.objective;
  const opKey = `${ctx.objectiveKey}.op`;
  if (o.op !== "lt" && o.op !== "lte") {
    f.errorAt(opKey, "A latency SLI counts checks faster than a threshold: use op lt (or lte) with value in milliseconds");
    return null;
  }
  if (o.value === undefined) {
    f.errorAt(`${ctx.objectiveKey}.value`, "A latency SLI needs value: the threshold in milliseconds");
    return null;
  }
  if (o.op === "lte") f.note(doc, base, "op lte was imported as lt: Bulwark counts checks strictly faster than the threshold");
  if (src.spec.measure !== undefined && src.spec.measure !== "latency") {
    f.error(doc, `${src.path}.spec.measure`, "A thresholdMetric measures latency: measure must be latency (or left out)");
    return null;
  }
  if (src.spec.thresholdMs !== undefined && src.spec.thresholdMs !== o.value) {
    f.error(doc, `${src.path}.spec.thresholdMs`, `spec.thresholdMs (${String(src.spec.thresholdMs)}) disagrees with the objective's value (${o.value})`);
    return null;
  }
  const mapped = bulwarkSli(f, doc, [{ ...src, spec: { ...src.spec, measure: "latency", thresholdMs: o.value } }]);
  if (!mapped) return null;
  if (mapped.sli.source !== "probe") {
    f.error(doc, `${src.path}.spec`, "A thresholdMetric needs a component's probe (spec.componentId)");
    return null;
  }
  mapped.origins["sli.thresholdMs"] = `${ctx.objectiveKey}.value`;
  return mapped;
}

export function mapIndicator(f: ImportFindings, ind: IndicatorAt, ctx: SliContext): SliMapping | null {
  if (ind.spec.description !== undefined) f.note(ind.doc, `${ind.base}.description`, "The SLI's description is not kept (the SLO's description is)");
  return ind.spec.ratioMetric ? fromRatio(f, ind, ind.spec.ratioMetric, ctx) : fromThreshold(f, ind, ctx);
}
