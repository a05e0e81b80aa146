/**
 * The Prometheus HTTP API, as much of it as SLIs need: `query_range` with a
 * matrix result. undici for HTTP (with a timeout per attempt), cockatiel for
 * retries with exponential backoff and jitter, and one circuit breaker per
 * base URL so a Prometheus that is down is not hammered by every SLO that
 * points at it (the breaker fails them fast until it half-opens).
 *
 * A bad query (HTTP 400/422, `status: "error"`) is the SLO's fault, not the
 * server's: it is neither retried nor counted by the breaker.
 */
import { BrokenCircuitError, ConsecutiveBreaker, ExponentialBackoff, circuitBreaker, handleWhen, retry, wrap, type IPolicy } from "cockatiel";
import { request } from "undici";

export class PrometheusQueryError extends Error {
  constructor(
    message: string,
    readonly errorType: string,
  ) {
    super(message);
    this.name = "PrometheusQueryError";
  }
}

export interface PrometheusClientOptions {
  /** per attempt */
  timeoutMs?: number;
  maxAttempts?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** consecutive failures that open a base URL's breaker */
  breakerFailures?: number;
  halfOpenAfterMs?: number;
}

export interface RangeQuery {
  baseUrl: string;
  query: string;
  /** epoch ms, inclusive, multiples of the step */
  startMs: number;
  endMs: number;
  stepSeconds: number;
  signal?: AbortSignal;
}

interface PromResponse {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: Array<{ metric?: Record<string, string>; values?: Array<[number, string]> }> };
}

const retryable = (err: Error) => !(err instanceof PrometheusQueryError) && !(err instanceof BrokenCircuitError);

export class PrometheusClient {
  private readonly breakers = new Map<string, IPolicy>();
  private readonly o: Required<PrometheusClientOptions>;

  constructor(opts: PrometheusClientOptions = {}) {
    this.o = {
      timeoutMs: opts.timeoutMs ?? 10_000,
      maxAttempts: opts.maxAttempts ?? 2,
      initialBackoffMs: opts.initialBackoffMs ?? 200,
      maxBackoffMs: opts.maxBackoffMs ?? 5_000,
      breakerFailures: opts.breakerFailures ?? 5,
      halfOpenAfterMs: opts.halfOpenAfterMs ?? 30_000,
    };
  }

  private policyFor(baseUrl: string): IPolicy {
    const key = new URL(baseUrl).origin + new URL(baseUrl).pathname.replace(/\/+$/, "");
    let p = this.breakers.get(key);
    if (!p) {
      const breaker = circuitBreaker(handleWhen(retryable), { halfOpenAfter: this.o.halfOpenAfterMs, breaker: new ConsecutiveBreaker(this.o.breakerFailures) });
      const retries = retry(handleWhen(retryable), {
        maxAttempts: Math.max(0, this.o.maxAttempts - 1),
        backoff: new ExponentialBackoff({ initialDelay: this.o.initialBackoffMs, maxDelay: this.o.maxBackoffMs }), // decorrelated jitter by default
      });
      p = wrap(retries, breaker);
      this.breakers.set(key, p);
    }
    return p;
  }

  /** Values per evaluation timestamp (epoch ms), summed over all series the query returns; NaN/±Inf samples are dropped. */
  async queryRange(q: RangeQuery): Promise<Map<number, number>> {
    const url = new URL(q.baseUrl.replace(/\/+$/, "") + "/api/v1/query_range");
    url.searchParams.set("query", q.query);
    url.searchParams.set("start", String(q.startMs / 1000));
    url.searchParams.set("end", String(q.endMs / 1000));
    url.searchParams.set("step", String(q.stepSeconds));
    const body = await this.policyFor(q.baseUrl)
      .execute(async () => {
      const signal = q.signal ? AbortSignal.any([q.signal, AbortSignal.timeout(this.o.timeoutMs)]) : AbortSignal.timeout(this.o.timeoutMs);
      let res;
      try {
        res = await request(url, { method: "GET", signal, headers: { accept: "application/json" } });
      } catch (err) {
        const name = err instanceof Error ? err.name : "";
        if (name === "TimeoutError" || name === "AbortError") throw new Error(`Prometheus at ${url.origin} did not answer within ${this.o.timeoutMs} ms`);
        throw new Error(`Prometheus at ${url.origin} is unreachable: ${err instanceof Error ? err.message : String(err)}`);
      }
      const text = await res.body.text();
      let json: PromResponse | null = null;
      try {
        json = JSON.parse(text) as PromResponse;
      } catch {
        json = null;
      }
      if (json?.status === "error" && (res.statusCode === 400 || res.statusCode === 422)) {
        throw new PrometheusQueryError(`Prometheus rejected the query (${json.errorType ?? "error"}): ${json.error ?? "no message"}`, json.errorType ?? "error");
      }
      if (res.statusCode !== 200 || !json) {
        throw new Error(`Prometheus at ${url.origin} answered HTTP ${res.statusCode}${json?.error ? `: ${json.error}` : ""}`);
      }
      if (json.status !== "success") throw new PrometheusQueryError(`Prometheus returned status ${json.status ?? "?"}: ${json.error ?? ""}`, json.errorType ?? "error");
      return json;
      })
      .catch((err: unknown) => {
        if (err instanceof BrokenCircuitError) {
          throw new Error(`Prometheus at ${url.origin} keeps failing: not asked again for ${Math.round(this.o.halfOpenAfterMs / 1000)} s (circuit breaker open)`);
        }
        throw err;
      });
    const data = body.data;
    if (data?.resultType !== "matrix") throw new PrometheusQueryError(`Expected a matrix result from query_range, got ${data?.resultType ?? "nothing"}`, "bad_data");
    const out = new Map<number, number>();
    for (const series of data.result ?? []) {
      for (const [ts, raw] of series.values ?? []) {
        const v = Number(raw);
        if (!Number.isFinite(v)) continue;
        const at = Math.round(ts * 1000);
        out.set(at, (out.get(at) ?? 0) + v);
      }
    }
    return out;
  }
}
