import http from "node:http";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { tcpProbe } from "@/server/adapters/tcp";
import { websocketProbe } from "@/server/adapters/websocket";
import { close, closedPort, ctx, listen, rawServer } from "./helpers";

describe("tcp probe", () => {
  it("is healthy when the port accepts, even if the server never speaks, and leaves no socket behind", async () => {
    const silent = rawServer();
    const port = await listen(silent.server);
    const r = await tcpProbe({ host: "127.0.0.1", port }, ctx());
    expect(r).toMatchObject({ ok: true, message: `connected to 127.0.0.1:${port}`, details: { address: "127.0.0.1" } });
    expect(r.latencyMs).toBeLessThan(500);
    await expect.poll(() => silent.sockets.size).toBe(0);
    expect(silent.accepted()).toBe(1);
    await silent.stop();
  });

  it("resolves host names", async () => {
    const s = rawServer();
    const port = await listen(s.server);
    expect(await tcpProbe({ host: "localhost", port }, ctx())).toMatchObject({ ok: true });
    await s.stop();
  });

  it("reports refused and unknown hosts", async () => {
    expect(await tcpProbe({ host: "127.0.0.1", port: await closedPort() }, ctx())).toMatchObject({ ok: false, message: "connection refused" });
    const dns = await tcpProbe({ host: "bulwark-no-such-host.invalid", port: 5432 }, ctx());
    expect(dns).toMatchObject({ ok: false, message: 'DNS lookup failed: "bulwark-no-such-host.invalid" not found' });
  });

  it("honours a caller that already gave up", async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await tcpProbe({ host: "127.0.0.1", port: 1 }, ctx(3000, ac.signal))).toMatchObject({ ok: false, message: "check cancelled" });
  });
});

describe("websocket probe against a real ws server", () => {
  let port: number;
  let mutePort: number;
  const server = http.createServer((_req, res) => {
    res.statusCode = 404;
    res.end("no websocket here");
  });
  const wss = new WebSocketServer({ noServer: true });
  const mute = new WebSocketServer({ port: 0, host: "127.0.0.1", autoPong: false }); // answers no pings
  server.on("upgrade", (req, socket, head) => {
    if (req.url === "/ws") wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    else if (req.url === "/hangup") wss.handleUpgrade(req, socket, head, (ws) => ws.terminate());
    else socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
  });

  beforeAll(async () => {
    port = await listen(server);
    await new Promise((r) => (mute.address() ? r(null) : mute.once("listening", r)));
    const a = mute.address();
    mutePort = typeof a === "object" && a ? a.port : 0;
  });
  afterAll(async () => {
    for (const c of [...wss.clients, ...mute.clients]) c.terminate();
    await new Promise((r) => mute.close(r));
    wss.close();
    await close(server);
  });

  it("connects, pings and gets the pong", async () => {
    const r = await websocketProbe({ url: `ws://127.0.0.1:${port}/ws` }, ctx());
    expect(r).toMatchObject({ ok: true, message: "pong received" });
    const d = r.details as { handshakeMs: number; pingMs: number };
    expect(d.handshakeMs).toBeGreaterThan(0);
    expect(d.pingMs).toBeGreaterThanOrEqual(0);
    // the probe closes its connection
    await expect.poll(() => wss.clients.size).toBe(0);
  });

  it("times out when the server never answers the ping", async () => {
    const t0 = performance.now();
    const r = await websocketProbe({ url: `ws://127.0.0.1:${mutePort}/` }, ctx(500));
    expect(r).toMatchObject({ ok: false, message: "timed out after 500 ms" });
    expect(performance.now() - t0).toBeLessThan(1500);
    await expect.poll(() => mute.clients.size).toBe(0);
  });

  it("times out on a TCP port that never answers the upgrade", async () => {
    const silent = rawServer();
    const p = await listen(silent.server);
    expect(await websocketProbe({ url: `ws://127.0.0.1:${p}/` }, ctx(300))).toMatchObject({ ok: false, message: "timed out after 300 ms" });
    await expect.poll(() => silent.sockets.size).toBe(0);
    await silent.stop();
  });

  it("reports a refused upgrade with its status", async () => {
    expect(await websocketProbe({ url: `ws://127.0.0.1:${port}/other` }, ctx())).toMatchObject({
      ok: false,
      message: "WebSocket upgrade refused: status 403, expected 101",
    });
  });

  it("reports a server that hangs up before the pong", async () => {
    const r = await websocketProbe({ url: `ws://127.0.0.1:${port}/hangup` }, ctx());
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^connection closed before the pong \(close code \d+\)$/);
  });

  it("reports refused connections and garbage", async () => {
    expect(await websocketProbe({ url: `ws://127.0.0.1:${await closedPort()}/` }, ctx())).toMatchObject({ ok: false, message: "connection refused" });
    const junk = rawServer((s) => s.end("220 smtp.example.com ESMTP\r\n"));
    const p = await listen(junk.server);
    const r = await websocketProbe({ url: `ws://127.0.0.1:${p}/` }, ctx());
    expect(r).toMatchObject({ ok: false, message: "invalid HTTP response (HPE_INVALID_CONSTANT)" });
    await junk.stop();
  });

  it("stops when the caller aborts", async () => {
    const ac = new AbortController();
    const pending = websocketProbe({ url: `ws://127.0.0.1:${mutePort}/` }, ctx(5000, ac.signal));
    setTimeout(() => ac.abort(), 50);
    expect(await pending).toMatchObject({ ok: false, message: "check cancelled" });
  });
});
