import http from "node:http";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpProbe } from "@/server/adapters/http";
import { closeSharedHttpClient } from "@/server/adapters/http-client";
import { httpConfig } from "@/server/health/schemas";
import { close, closedPort, ctx, listen, rawServer } from "./helpers";

type Seen = { method?: string; headers: http.IncomingHttpHeaders };
let port: number;
let connections = 0;
const seen: Seen[] = [];
const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
  seen.push({ method: req.method, headers: req.headers });
  const url = new URL(req.url ?? "/", "http://x");
  switch (url.pathname) {
    case "/health":
      return res.end(JSON.stringify({ status: "ok", checks: { db: { status: "up" }, list: [1, 2] } }));
    case "/down":
      res.statusCode = 503;
      return res.end(JSON.stringify({ status: "down" }));
    case "/text":
      return res.end("all systems nominal");
    case "/huge": {
      // An endless body: the probe must stop reading at its cap.
      res.writeHead(200, { "content-type": "text/plain" });
      const chunk = Buffer.alloc(16 * 1024, "x");
      res.write("ok ");
      const pump = () => {
        while (res.write(chunk)) if (res.destroyed) return;
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
      return;
    }
    case "/slow":
      return void setTimeout(() => res.end("late"), 2000);
    default:
      res.statusCode = 404;
      return res.end("not found");
  }
});
server.on("connection", () => connections++);

const cfg = (over: Record<string, unknown>) => httpConfig.parse({ url: `http://127.0.0.1:${port}/health`, ...over });

beforeAll(async () => {
  port = await listen(server);
});
afterAll(async () => {
  await closeSharedHttpClient();
  await close(server);
});

describe("http probe against a real Node HTTP server", () => {
  it("is healthy on 200 and measures latency to the end of the body", async () => {
    const r = await httpProbe(cfg({}), ctx());
    expect(r).toMatchObject({ ok: true, message: "status 200 OK", warning: null, details: { status: 200 } });
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(r.latencyMs).toBeLessThan(1000);
  });

  it("sends the method and headers from the config", async () => {
    seen.length = 0;
    await httpProbe(cfg({ method: "POST", headers: { "x-probe": "yes", authorization: "Bearer t" } }), ctx());
    const head = await httpProbe(cfg({ method: "HEAD" }), ctx());
    expect(head).toMatchObject({ ok: true, details: { bytes: 0 } });
    expect(seen.map((s) => s.method)).toEqual(["POST", "HEAD"]);
    expect(seen[0]?.headers).toMatchObject({ "x-probe": "yes", authorization: "Bearer t", "user-agent": "Bulwark-Probe/1" });
    seen.length = 0;
    await httpProbe(cfg({ url: `http://ops:p%40ss@127.0.0.1:${port}/health`, headers: { "User-Agent": "custom/2" } }), ctx());
    expect(seen[0]?.headers["user-agent"]).toBe("custom/2");
    expect(seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from("ops:p@ss").toString("base64")}`);
  });

  it("fails on an unexpected status with the expected set written as ranges", async () => {
    const r = await httpProbe(cfg({ url: `http://127.0.0.1:${port}/down` }), ctx());
    expect(r).toMatchObject({ ok: false, message: "status 503, expected 200–204", details: { status: 503 } });
    expect((await httpProbe(cfg({ url: `http://127.0.0.1:${port}/down`, expectedStatus: [503] }), ctx())).ok).toBe(true);
    const missing = await httpProbe(cfg({ url: `http://127.0.0.1:${port}/nope`, expectedStatus: [200, 301, 302] }), ctx());
    expect(missing.message).toBe("status 404, expected 200, 301–302");
  });

  it("checks a body substring", async () => {
    const url = `http://127.0.0.1:${port}/text`;
    expect((await httpProbe(cfg({ url, bodyContains: "nominal" }), ctx())).ok).toBe(true);
    expect(await httpProbe(cfg({ url, bodyContains: "ok" }), ctx())).toMatchObject({ ok: false, message: 'body did not contain "ok"' });
  });

  it("checks a dotted JSON path, into objects and arrays", async () => {
    expect((await httpProbe(cfg({ jsonPath: { path: "checks.db.status", equals: "up" } }), ctx())).ok).toBe(true);
    expect((await httpProbe(cfg({ jsonPath: { path: "checks.list.1", equals: "2" } }), ctx())).ok).toBe(true);
    expect(await httpProbe(cfg({ jsonPath: { path: "status", equals: "healthy" } }), ctx())).toMatchObject({
      ok: false,
      message: 'JSON path "status" is "ok", expected "healthy"',
    });
    expect((await httpProbe(cfg({ jsonPath: { path: "checks.cache.status", equals: "up" } }), ctx())).message).toBe(
      'JSON path "checks.cache.status" not found',
    );
    const notJson = await httpProbe(cfg({ url: `http://127.0.0.1:${port}/text`, jsonPath: { path: "status", equals: "ok" } }), ctx());
    expect(notJson.message).toBe("body is not valid JSON");
  });

  it("reads at most 64 KiB of an endless body, quickly", async () => {
    const t0 = performance.now();
    const r = await httpProbe(cfg({ url: `http://127.0.0.1:${port}/huge`, bodyContains: "ok" }), ctx());
    expect(r).toMatchObject({ ok: true, details: { bytes: 64 * 1024, truncated: true } });
    const miss = await httpProbe(cfg({ url: `http://127.0.0.1:${port}/huge`, bodyContains: "never there" }), ctx());
    expect(miss.message).toBe('body did not contain "never there" (read the first 64 KiB)');
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it("reuses one keep-alive connection across checks", async () => {
    await httpProbe(cfg({}), ctx());
    const before = connections;
    for (let i = 0; i < 5; i++) expect((await httpProbe(cfg({}), ctx())).ok).toBe(true);
    expect(connections).toBe(before);
  });

  it("reports a refused connection", async () => {
    const r = await httpProbe(cfg({ url: `http://127.0.0.1:${await closedPort()}/health` }), ctx());
    expect(r).toMatchObject({ ok: false, message: "connection refused" });
  });

  it("reports a DNS failure", async () => {
    const r = await httpProbe(cfg({ url: "http://bulwark-no-such-host.invalid/health" }), ctx());
    expect(r).toMatchObject({ ok: false, message: 'DNS lookup failed: "bulwark-no-such-host.invalid" not found' });
  });

  it("times out on a target that accepts TCP but never answers: timed out after 3000 ms", async () => {
    const silent = rawServer();
    const p = await listen(silent.server);
    const t0 = performance.now();
    const r = await httpProbe(cfg({ url: `http://127.0.0.1:${p}/health` }), ctx(3000));
    const took = performance.now() - t0;
    expect(r).toMatchObject({ ok: false, message: "timed out after 3000 ms" });
    expect(took).toBeGreaterThanOrEqual(2990);
    expect(took).toBeLessThan(3500);
    await silent.stop();
  });

  it("does not pile up connections to a target that keeps hanging", async () => {
    const silent = rawServer();
    const p = await listen(silent.server);
    for (let i = 0; i < 4; i++) {
      expect(await httpProbe(cfg({ url: `http://127.0.0.1:${p}/health` }), ctx(200))).toMatchObject({ ok: false, message: "timed out after 200 ms" });
    }
    // undici destroys the hung connection on abort but opens a spare one (nodejs/undici#5845) that later checks reuse:
    // a bounded handful, never one more per check.
    await new Promise((r) => setTimeout(r, 50));
    expect(silent.sockets.size).toBeLessThanOrEqual(2);
    expect(silent.accepted()).toBeLessThanOrEqual(4 + 2);
    await silent.stop();
  });

  it("times out on a slow response and keeps serving other checks meanwhile", async () => {
    const slow = httpProbe(cfg({ url: `http://127.0.0.1:${port}/slow` }), ctx(300));
    const fast = await httpProbe(cfg({}), ctx());
    expect(fast.ok).toBe(true);
    expect(await slow).toMatchObject({ ok: false, message: "timed out after 300 ms" });
  });

  it("stops at once when the caller aborts", async () => {
    const ac = new AbortController();
    const t0 = performance.now();
    const pending = httpProbe(cfg({ url: `http://127.0.0.1:${port}/slow` }), ctx(5000, ac.signal));
    setTimeout(() => ac.abort(), 100);
    expect(await pending).toMatchObject({ ok: false, message: "check cancelled" });
    expect(performance.now() - t0).toBeLessThan(1000);
    ac.abort();
    expect(await httpProbe(cfg({}), ctx(5000, ac.signal))).toMatchObject({ ok: false, message: "check cancelled", latencyMs: 0 });
  });

  it("fails readably on garbage instead of HTTP", async () => {
    const junk = rawServer((s) => s.end("SSH-2.0-OpenSSH_9.2\r\n\r\n"));
    const p = await listen(junk.server);
    const r = await httpProbe(cfg({ url: `http://127.0.0.1:${p}/` }), ctx());
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^invalid HTTP response/);
    await junk.stop();
  });

  it("fails readably when the connection closes mid-response", async () => {
    const cut = rawServer((s) =>
      s.once("data", () => {
        s.write("HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n{\"status\":");
        setTimeout(() => s.destroy(), 20);
      }),
    );
    const p = await listen(cut.server);
    const r = await httpProbe(cfg({ url: `http://127.0.0.1:${p}/` }), ctx());
    expect(r).toMatchObject({ ok: false, message: "connection closed before the response was complete" });
    const noReply = rawServer((s) => s.once("data", () => s.destroy()));
    const p2 = await listen(noReply.server);
    expect((await httpProbe(cfg({ url: `http://127.0.0.1:${p2}/` }), ctx())).message).toMatch(
      /^(connection closed before the response was complete|connection reset by peer)$/,
    );
    await cut.stop();
    await noReply.stop();
  });
});
