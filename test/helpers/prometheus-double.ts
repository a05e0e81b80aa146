/**
 * A stand-in for Prometheus in tests. A real Prometheus cannot be used here:
 * it would have to scrape a target for minutes before `increase(…[1m])` or a
 * rate window produced a single sample, and the tests need exact counts for
 * minutes in the past. So this is a real HTTP server on 127.0.0.1 that
 * implements the subset of the HTTP API Bulwark calls:
 *
 *   GET /api/v1/query_range?query=…&start=…&end=…&step=…
 *
 * answering `{"status":"success","data":{"resultType":"matrix","result":[…]}}`
 * with one sample per step from a function the test registers per query, and
 * Prometheus' error JSON (`400 {"status":"error","errorType":"bad_data",…}`)
 * for a query it does not know, like a PromQL parse error. The preview's
 * hourly form `sum_over_time((Q)[1h:1m])` is evaluated as the sum of Q's
 * per-minute values in (T − 1 h, T]. `down` makes it answer 503, as a
 * Prometheus behind a failing proxy would.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

/** Value of a query at evaluation time T (epoch ms); null: no sample. */
export type SeriesFn = (tMs: number) => number | null;

export interface PrometheusDouble {
  url: string;
  series: Map<string, SeriesFn>;
  calls: Array<{ query: string; start: number; end: number; step: number }>;
  down: boolean;
  close: () => Promise<void>;
}

const SUBQUERY = /^sum_over_time\(\((.*)\)\[1h:1m\]\)$/s;

export async function startPrometheusDouble(): Promise<PrometheusDouble> {
  const double: PrometheusDouble = { url: "", series: new Map(), calls: [], down: false, close: async () => undefined };
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://127.0.0.1");
    if (u.pathname !== "/api/v1/query_range") return send(res, 404, { status: "error", errorType: "not_found", error: "not found" });
    if (double.down) return send(res, 503, { status: "error", errorType: "unavailable", error: "service unavailable" });
    const query = u.searchParams.get("query") ?? "";
    const start = Number(u.searchParams.get("start"));
    const end = Number(u.searchParams.get("end"));
    const step = Number(u.searchParams.get("step"));
    double.calls.push({ query, start, end, step });
    if (!query || !Number.isFinite(start) || !Number.isFinite(end) || !(step > 0) || end < start) {
      return send(res, 400, { status: "error", errorType: "bad_data", error: "invalid parameter: query, start, end and step are required" });
    }
    if ((end - start) / step > 11_000) {
      return send(res, 400, { status: "error", errorType: "bad_data", error: "exceeded maximum resolution of 11,000 points per timeseries" });
    }
    const sub = SUBQUERY.exec(query);
    const fn = double.series.get(sub ? sub[1]! : query);
    if (!fn) return send(res, 400, { status: "error", errorType: "bad_data", error: `1:1: parse error: unknown query ${JSON.stringify(query)}` });
    const values: Array<[number, string]> = [];
    for (let t = start; t <= end + 1e-9; t += step) {
      const tMs = Math.round(t * 1000);
      let v: number | null;
      if (sub) {
        v = null;
        for (let m = tMs - 59 * 60_000; m <= tMs; m += 60_000) {
          const x = fn(m);
          if (x !== null) v = (v ?? 0) + x;
        }
      } else v = fn(tMs);
      if (v !== null) values.push([tMs / 1000, String(v)]);
    }
    send(res, 200, { status: "success", data: { resultType: "matrix", result: values.length ? [{ metric: {}, values }] : [] } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  double.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  double.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return double;
}
