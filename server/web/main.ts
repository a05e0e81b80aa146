import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { closeDb } from "@/db/client";
import { env } from "../config/env";
import { log } from "../log";
import { metrics, routeGroup } from "./metrics";

/**
 * The web role: Next.js behind a plain HTTP server, so every request is timed
 * into the Prometheus histogram and `/metrics` is served without touching Next.
 */
process.env.BULWARK_ROLE ??= "web";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { PORT: port, HOSTNAME: hostname } = env();

const app = next({ dev: false, dir: root, hostname, port });
await app.prepare();
const handle = app.getRequestHandler();
const m = metrics();

const server = http.createServer((req, res) => {
  const url = req.url ?? "/";
  const stop = m.httpDuration.startTimer({ method: req.method ?? "GET", route: routeGroup(url) });
  res.on("finish", () => stop({ status: String(res.statusCode) }));
  if (url === "/metrics" || url.startsWith("/metrics?")) {
    m.registry.metrics().then(
      (body) => {
        res.writeHead(200, { "content-type": m.registry.contentType, "cache-control": "no-store" });
        res.end(body);
      },
      (err: unknown) => {
        log.error({ err }, "metrics collection failed");
        res.writeHead(500).end();
      },
    );
    return;
  }
  handle(req, res).catch((err: unknown) => {
    log.error({ err, url }, "request failed");
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end("Internal error");
  });
});

server.listen(port, hostname, () => log.info({ port, hostname }, "web listening"));

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "web stopping");
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // Live (SSE) streams never go idle on their own; browsers reconnect to another replica.
  const force = setTimeout(() => server.closeAllConnections(), 3000);
  const g = globalThis as unknown as { __bulwarkLiveBus?: Promise<{ stop: () => Promise<void> }> };
  await g.__bulwarkLiveBus?.then((b) => b.stop()).catch(() => undefined);
  await closed;
  clearTimeout(force);
  await closeDb().catch(() => undefined);
  log.info("web stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
