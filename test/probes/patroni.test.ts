/**
 * patroni probe against a TEST DOUBLE of Patroni's REST API: a small Node
 * HTTP server that serves `/cluster` and `/health` documents in the shape
 * Patroni 3.0 produces (patroni/utils.py cluster_as_json: members with name,
 * role, state, api_url, host, port, timeline, lag; `pause`;
 * `scheduled_switchover`). A real Patroni needs etcd and two PostgreSQL
 * nodes: the real REST API is exercised by the switchover issue's HA lab.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeSharedHttpClient } from "@/server/adapters/http-client";
import { patroniProbe } from "@/server/adapters/patroni";
import { seal } from "@/server/crypto/secrets";
import { patroniConfig } from "@/server/health/schemas";
import { close, closedPort, ctx, listen, rawServer } from "./helpers";

type Member = Record<string, unknown>;
const member = (name: string, role: string, over: Member = {}): Member => ({
  name,
  role,
  state: "running",
  api_url: `http://127.0.0.1:8008/patroni`,
  host: "127.0.0.1",
  port: 5432,
  timeline: 3,
  ...(role === "leader" ? {} : { lag: 0 }),
  ...over,
});
const healthy = () => ({ members: [member("pg1", "leader"), member("pg2", "replica"), member("pg3", "sync_standby")] });

let port: number;
let clusterDoc: unknown = healthy();
let clusterStatus = 200;
let healthDoc: { status: number; body: unknown } = { status: 200, body: { state: "running", role: "replica", timeline: 3 } };
let requireAuth: string | undefined;
const paths: string[] = [];

const server = http.createServer((req, res) => {
  paths.push(req.url ?? "");
  if (requireAuth && req.headers.authorization !== `Basic ${Buffer.from(requireAuth).toString("base64")}`) {
    res.writeHead(401, { "www-authenticate": 'Basic realm="Patroni"' });
    return res.end("no auth");
  }
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };
  if (req.url?.endsWith("/cluster")) return clusterStatus === 404 ? send(404, "") : send(clusterStatus, clusterDoc);
  if (req.url?.endsWith("/health")) return send(healthDoc.status, healthDoc.body);
  send(404, "");
});

const cfg = (over: Record<string, unknown> = {}) => patroniConfig.parse({ url: `http://127.0.0.1:${port}`, ...over });

beforeAll(async () => {
  process.env.BULWARK_ENCRYPTION_KEY ??= "probe-test-key";
  port = await listen(server);
});
afterAll(async () => {
  await closeSharedHttpClient();
  await close(server);
});
const reset = () => {
  clusterDoc = healthy();
  clusterStatus = 200;
  requireAuth = undefined;
  healthDoc = { status: 200, body: { state: "running", role: "replica", timeline: 3 } };
};

describe("patroni probe (against a test double of the Patroni 3.0 REST API)", () => {
  it("a cluster with a leader and running replicas is healthy, members in the details", async () => {
    reset();
    const r = await patroniProbe(cfg(), ctx());
    expect(r).toMatchObject({ ok: true, warning: null, message: "leader pg1, 2 replicas, all running", details: { endpoint: "/cluster", paused: false } });
    const members = (r.details as { members: { name: string; role: string; lagBytes: number | null }[] }).members;
    expect(members.map((m) => [m.name, m.role, m.lagBytes])).toEqual([
      ["pg1", "leader", null],
      ["pg2", "replica", 0],
      ["pg3", "sync_standby", 0],
    ]);
  });

  it("uses the URL's path prefix (a proxy in front of the API)", async () => {
    reset();
    paths.length = 0;
    await patroniProbe(cfg({ url: `http://127.0.0.1:${port}/patroni-a/` }), ctx());
    expect(paths).toEqual(["/patroni-a/cluster"]);
  });

  it("warns (degraded) when a member lags past maxLagBytes, or its lag is unknown", async () => {
    clusterDoc = { members: [member("pg1", "leader"), member("pg2", "replica", { lag: 20 * 1024 * 1024 }), member("pg3", "replica", { lag: "unknown" })] };
    const r = await patroniProbe(cfg(), ctx());
    expect(r).toMatchObject({ ok: true, warning: "member pg2 lags 20 MiB (limit 16 MiB); member pg3 lag is unknown" });
    expect((await patroniProbe(cfg({ maxLagBytes: 32 * 1024 * 1024 }), ctx())).warning).toBe("member pg3 lag is unknown");
  });

  it("warns on maintenance mode and a scheduled switchover", async () => {
    clusterDoc = { ...healthy(), pause: true, scheduled_switchover: { at: "2030-01-01T00:00:00+00:00", from: "pg1", to: "pg2" } };
    const r = await patroniProbe(cfg(), ctx());
    expect(r).toMatchObject({ ok: true, warning: "cluster is in maintenance mode (paused); switchover scheduled at 2030-01-01T00:00:00+00:00" });
  });

  it("is unhealthy without a leader, or with a member that is not running", async () => {
    clusterDoc = { members: [member("pg1", "replica"), member("pg2", "replica")] };
    expect(await patroniProbe(cfg(), ctx())).toMatchObject({ ok: false, message: "no leader" });
    clusterDoc = { members: [member("pg1", "leader"), member("pg2", "replica", { state: "stopped", lag: "unknown" }), member("pg3", "replica", { state: "starting" })] };
    expect(await patroniProbe(cfg(), ctx())).toMatchObject({ ok: false, message: "member pg2 is stopped; member pg3 is starting" });
  });

  it("sends basic auth when configured (sealed password)", async () => {
    reset();
    requireAuth = "monitor:s3cret";
    expect(await patroniProbe(cfg(), ctx())).toMatchObject({ ok: false, message: "/cluster: status 401, expected 200" });
    expect(await patroniProbe(cfg({ username: "monitor", password: seal("s3cret") }), ctx())).toMatchObject({ ok: true });
  });

  it("falls back to /health when /cluster is 404", async () => {
    reset();
    clusterStatus = 404;
    expect(await patroniProbe(cfg(), ctx())).toMatchObject({ ok: true, message: "/health: replica, running", details: { endpoint: "/health", role: "replica" } });
    healthDoc = { status: 503, body: { state: "stopped", role: "replica" } };
    expect(await patroniProbe(cfg(), ctx())).toMatchObject({ ok: false, message: "/health: status 503 (replica, stopped)" });
  });

  it("fails readably on a document that is not Patroni's, refused, and silence", async () => {
    reset();
    clusterDoc = "<html>login</html>";
    expect(await patroniProbe(cfg(), ctx())).toMatchObject({ ok: false, message: "/cluster: not a Patroni cluster document" });
    clusterDoc = { members: "nope" };
    expect(await patroniProbe(cfg(), ctx())).toMatchObject({ ok: false, message: "/cluster: not a Patroni cluster document" });
    expect(await patroniProbe(cfg({ url: `http://127.0.0.1:${await closedPort()}` }), ctx())).toMatchObject({ ok: false, message: "connection refused" });
    const silent = rawServer();
    const sp = await listen(silent.server);
    expect(await patroniProbe(cfg({ url: `http://127.0.0.1:${sp}` }), ctx(300))).toMatchObject({ ok: false, message: "timed out after 300 ms" });
    await silent.stop();
  });
});
