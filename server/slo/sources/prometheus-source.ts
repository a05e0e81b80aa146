/**
 * SLI counts from Prometheus: the SLO's good and total queries evaluated once
 * per minute over a range (`query_range`, step 60 s). Each query should be a
 * count over one minute, e.g. `sum(increase(http_requests_total{code!~"5.."}[1m]))`,
 * so the sample at evaluation time T counts the minute [T − 60 s, T).
 *
 * Points are matched by timestamp. A minute without a total sample has no
 * data; a total without a good sample had nothing good (a good query over an
 * empty selector returns no series). increase() extrapolates, so good may
 * come out a hair above total or fractional: good is clamped to [0, total].
 */
import type { SliCount } from "../store/write-buckets";
import type { PrometheusClient } from "./prometheus-client";

export const STEP_SECONDS = 60;

export interface PrometheusSpec {
  url: string;
  goodQuery: string;
  totalQuery: string;
}

/** Counts per minute of [from, until) (both minute-aligned). */
export async function prometheusMinutes(client: PrometheusClient, sloId: string, spec: PrometheusSpec, from: number, until: number, signal?: AbortSignal): Promise<SliCount[]> {
  if (until <= from) return [];
  const range = { baseUrl: spec.url, startMs: from + STEP_SECONDS * 1000, endMs: until, stepSeconds: STEP_SECONDS, signal };
  const [good, total] = await Promise.all([client.queryRange({ ...range, query: spec.goodQuery }), client.queryRange({ ...range, query: spec.totalQuery })]);
  const out: SliCount[] = [];
  for (const [t, tot] of [...total.entries()].sort((a, b) => a[0] - b[0])) {
    const minute = t - STEP_SECONDS * 1000;
    if (minute < from || minute >= until || !(tot > 0)) continue;
    const g = Math.min(tot, Math.max(0, good.get(t) ?? 0));
    out.push({ sloId, at: minute, good: g, total: tot });
  }
  return out;
}
