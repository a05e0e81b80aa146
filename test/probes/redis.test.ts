/**
 * redis probe against real redis-server processes (Debian package
 * `redis-server`, installed by .ci/run): a primary, a replica of it, and one
 * with a password, each on its own port with persistence off.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisProbe } from "@/server/adapters/redis";
import { seal } from "@/server/crypto/secrets";
import { closedPort, ctx, daemon, hasBinary, listen, rawServer, waitFor } from "./helpers";

const bin = hasBinary("redis-server");
type Daemon = ReturnType<typeof daemon>;

async function startRedis(extra: string[] = []): Promise<{ port: number; d: Daemon }> {
  const port = await closedPort();
  const d = daemon(bin ?? "redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", "/tmp", ...extra]);
  const probeArgs = extra.includes("--requirepass") ? { password: extra[extra.indexOf("--requirepass") + 1] } : {};
  await waitFor(async () => (await redisProbe({ host: "127.0.0.1", port, tls: false, ...probeArgs }, ctx(500))).ok, 10_000, `redis on ${port}: ${d.output()}`);
  return { port, d };
}

const cfg = (port: number, over: Partial<{ password: string; tls: boolean; host: string }> = {}) => ({ host: "127.0.0.1", port, tls: false, ...over });

describe.skipIf(!bin)("redis probe against real redis-server [skipped when redis-server is not installed: apt-get install -y redis-server]", () => {
  let primary: { port: number; d: Daemon };
  let replica: { port: number; d: Daemon };
  let authed: { port: number; d: Daemon };

  beforeAll(async () => {
    process.env.BULWARK_ENCRYPTION_KEY ??= "probe-test-key";
    primary = await startRedis();
    [replica, authed] = await Promise.all([
      startRedis(["--replicaof", "127.0.0.1", String(primary.port)]),
      startRedis(["--requirepass", "s3cret-pass"]),
    ]);
    await waitFor(
      async () => ((await redisProbe(cfg(replica.port), ctx())).details as { primary?: { linkStatus?: string } }).primary?.linkStatus === "up",
      10_000,
      "replica link up",
    );
  });
  afterAll(async () => {
    await Promise.all([primary?.d.stop(), replica?.d.stop(), authed?.d.stop()]);
  });

  it("primary: PONG, role, offset, clients, and its replica with lag", async () => {
    const r = await redisProbe(cfg(primary.port), ctx());
    expect(r).toMatchObject({ ok: true, warning: null, details: { role: "primary" } });
    expect(r.message).toMatch(/^PONG; primary, offset \d+; \d+ clients$/);
    const d = r.details as { offset: number; connectedClients: number; maxClients: number; replicas: { state: string; lagBytes: number; address: string }[] };
    expect(d.offset).toBeGreaterThanOrEqual(0);
    expect(d.connectedClients).toBeGreaterThanOrEqual(1);
    expect(d.maxClients).toBeGreaterThan(0);
    expect(d.replicas).toHaveLength(1);
    expect(d.replicas[0]).toMatchObject({ state: "online", address: `127.0.0.1:${replica.port}` });
    expect(d.replicas[0]?.lagBytes).toBeGreaterThanOrEqual(0);
  });

  it("closes its connection each time: the client count does not grow", async () => {
    const count = async () => ((await redisProbe(cfg(primary.port), ctx())).details as { connectedClients: number }).connectedClients;
    const first = await count();
    for (let i = 0; i < 5; i++) await count();
    expect(await count()).toBe(first);
  });

  it("replica: role, offset and a healthy link to its primary", async () => {
    const r = await redisProbe(cfg(replica.port), ctx());
    expect(r).toMatchObject({
      ok: true,
      warning: null,
      details: { role: "replica", primary: { address: `127.0.0.1:${primary.port}`, linkStatus: "up" } },
    });
    expect(r.message).toMatch(/^PONG; replica, offset \d+/);
  });

  it("password: required, wrong, and right (sealed, as stored)", async () => {
    expect(await redisProbe(cfg(authed.port), ctx())).toMatchObject({ ok: false, message: "authentication required: set the password" });
    const wrong = await redisProbe(cfg(authed.port, { password: "nope" }), ctx());
    expect(wrong.ok).toBe(false);
    expect(wrong.message).toMatch(/^authentication failed: WRONGPASS/);
    expect(await redisProbe(cfg(authed.port, { password: seal("s3cret-pass") }), ctx())).toMatchObject({ ok: true, details: { role: "primary" } });
  });

  it("refused, silent, garbage and TLS-to-plain fail readably", async () => {
    expect(await redisProbe(cfg(await closedPort()), ctx())).toMatchObject({ ok: false, message: "connection refused" });
    const silent = rawServer();
    const sp = await listen(silent.server);
    expect(await redisProbe(cfg(sp), ctx(300))).toMatchObject({ ok: false, message: "timed out after 300 ms" });
    await waitFor(() => silent.sockets.size === 0, 2000, "probe socket closed");
    const junk = rawServer((s) => s.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
    const jp = await listen(junk.server);
    expect(await redisProbe(cfg(jp), ctx())).toMatchObject({ ok: false, message: "not a Redis server (unexpected reply)" });
    const tls = await redisProbe(cfg(primary.port, { tls: true }), ctx(500));
    expect(tls.ok).toBe(false);
    expect(tls.message).toMatch(/TLS|closed|reset|timed out/);
    await Promise.all([silent.stop(), junk.stop()]);
  });

  it("a replica whose primary is gone is degraded: link down", async () => {
    await primary.d.stop();
    await waitFor(async () => Boolean((await redisProbe(cfg(replica.port), ctx())).warning), 10_000, "link down warning");
    const r = await redisProbe(cfg(replica.port), ctx());
    expect(r).toMatchObject({ ok: true, warning: `replication link to 127.0.0.1:${primary.port} is down` });
  });
});
