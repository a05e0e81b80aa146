import client, { type Histogram, type Counter, type Registry } from "prom-client";

type Metrics = {
  registry: Registry;
  httpDuration: Histogram<"method" | "route" | "status">;
  trpcDuration: Histogram<"path" | "type" | "ok">;
  trpcErrors: Counter<"path" | "code">;
};

const g = globalThis as unknown as { __bulwarkMetrics?: Metrics };

/**
 * One registry per process, kept on globalThis: the custom HTTP server and the
 * Next route handlers (which load prom-client from node_modules, see
 * next.config.js) must record into the same histograms.
 */
export function metrics(): Metrics {
  if (g.__bulwarkMetrics) return g.__bulwarkMetrics;
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "bulwark_" });
  const m: Metrics = {
    registry,
    httpDuration: new client.Histogram({
      name: "bulwark_http_request_duration_seconds",
      help: "HTTP request duration by method, route group and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    trpcDuration: new client.Histogram({
      name: "bulwark_trpc_procedure_duration_seconds",
      help: "tRPC procedure duration",
      labelNames: ["path", "type", "ok"],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    trpcErrors: new client.Counter({
      name: "bulwark_trpc_errors_total",
      help: "tRPC procedure errors by code",
      labelNames: ["path", "code"],
      registers: [registry],
    }),
  };
  g.__bulwarkMetrics = m;
  return m;
}

/** Bounded label cardinality: group paths instead of recording every URL. */
export function routeGroup(url: string): string {
  const path = url.split("?")[0] ?? "/";
  if (path.startsWith("/api/trpc")) return "/api/trpc";
  if (path.startsWith("/api/auth")) return "/api/auth";
  if (path.startsWith("/api/health")) return path;
  if (path.startsWith("/api/")) return "/api/other";
  if (path.startsWith("/_next/")) return "/_next";
  if (path === "/metrics") return "/metrics";
  return "page";
}
