/**
 * HTTPS: certificate expiry warnings and untrusted certificates, against real
 * Node HTTPS servers with certificates made by openssl for this run. The probe
 * that must trust the test CA gets its own HTTP client built with that CA
 * (the same option a deployment with a private CA would use); the shared
 * client trusts only the system roots, like production without extra CAs.
 */
import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpProbe, httpProbe } from "@/server/adapters/http";
import { closeSharedHttpClient, createHttpClient, type HttpClient } from "@/server/adapters/http-client";
import { httpConfig } from "@/server/health/schemas";
import { close, ctx, listen, makeCerts, type TestCerts } from "./helpers";

let certs: TestCerts;
let client: HttpClient;
let trusting: ReturnType<typeof createHttpProbe>;
const servers: Record<string, { server: https.Server; port: number; handshakes: () => number }> = {};

async function serve(name: string, pair: { key: string; cert: string }) {
  let handshakes = 0;
  const server = https.createServer({ ...pair, keepAliveTimeout: 30_000 }, (_req, res) => res.end('{"status":"ok"}'));
  server.on("secureConnection", () => handshakes++);
  servers[name] = { server, port: await listen(server), handshakes: () => handshakes };
}

const url = (name: string, host = "127.0.0.1") => `https://${host}:${servers[name]?.port}/health`;

beforeAll(async () => {
  certs = makeCerts();
  await Promise.all([
    serve("valid", certs.valid),
    serve("expiring", certs.expiring),
    serve("expired", certs.expired),
    serve("wrongHost", certs.wrongHost),
    serve("selfSigned", certs.selfSigned),
  ]);
  client = createHttpClient({ ca: certs.ca });
  trusting = createHttpProbe(() => client);
});
afterAll(async () => {
  await client.close();
  await closeSharedHttpClient();
  await Promise.all(Object.values(servers).map((s) => close(s.server)));
});

describe("https certificates", () => {
  it("a trusted certificate far from expiry: healthy, with its dates in the details", async () => {
    const r = await trusting(httpConfig.parse({ url: url("valid") }), ctx());
    expect(r).toMatchObject({ ok: true, warning: null, details: { tls: { issuer: "Bulwark Test CA", subject: "localhost" } } });
    const tls = (r.details as { tls: { daysLeft: number; validTo: string } }).tls;
    expect(tls.daysLeft).toBeGreaterThan(364);
    expect(new Date(tls.validTo).getTime()).toBeGreaterThan(Date.now());
  });

  it("by host name too (DNS through the cache, SNI localhost)", async () => {
    expect(await trusting(httpConfig.parse({ url: url("valid", "localhost") }), ctx())).toMatchObject({ ok: true });
  });

  it("an IPv6 literal URL gets its certificate read too (when ::1 is available)", async () => {
    const v6 = https.createServer(certs.valid, (_req, res) => res.end("ok"));
    const up = await new Promise<boolean>((resolve) => {
      v6.once("error", () => resolve(false));
      v6.listen(0, "::1", () => resolve(true));
    });
    if (!up) return;
    const addr = v6.address();
    const p = typeof addr === "object" && addr ? addr.port : 0;
    const r = await trusting(httpConfig.parse({ url: `https://[::1]:${p}/` }), ctx());
    await close(v6);
    expect(r).toMatchObject({ ok: true, details: { tls: { issuer: "Bulwark Test CA" } } });
  });

  it("a certificate expiring within tlsExpiryWarnDays: ok with a warning (degraded)", async () => {
    const r = await trusting(httpConfig.parse({ url: url("expiring") }), ctx());
    expect(r).toMatchObject({ ok: true, warning: "TLS certificate expires in 5 days" });
    const lenient = await trusting(httpConfig.parse({ url: url("expiring"), tlsExpiryWarnDays: 3 }), ctx());
    expect(lenient).toMatchObject({ ok: true, warning: null });
  });

  it("reads the certificate from the probe's own connection: no extra handshake, none per check", async () => {
    const s = servers.valid!;
    const before = s.handshakes();
    for (let i = 0; i < 3; i++) {
      const r = await trusting(httpConfig.parse({ url: url("valid") }), ctx());
      expect((r.details as { tls?: unknown }).tls).toBeDefined();
    }
    expect(s.handshakes() - before).toBeLessThanOrEqual(1);
  });

  it("keeps one connection per host name even when names share an IP (why there is no DNS interceptor)", async () => {
    const s = servers.valid!;
    const before = s.handshakes();
    for (let i = 0; i < 10; i++) {
      expect((await trusting(httpConfig.parse({ url: url("valid", i % 2 ? "localhost" : "127.0.0.1") }), ctx())).ok).toBe(true);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(s.handshakes() - before).toBeLessThanOrEqual(2);
  });

  it("an expired certificate fails", async () => {
    expect(await trusting(httpConfig.parse({ url: url("expired") }), ctx())).toMatchObject({ ok: false, message: "TLS certificate has expired" });
  });

  it("a certificate for another name fails", async () => {
    const r = await trusting(httpConfig.parse({ url: url("wrongHost") }), ctx());
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^TLS certificate does not match the host name/);
  });

  it("a self-signed certificate fails with a clear message", async () => {
    const r = await httpProbe(httpConfig.parse({ url: url("selfSigned") }), ctx());
    expect(r).toMatchObject({ ok: false, message: "TLS certificate is self-signed and not trusted" });
  });

  it("a certificate from a CA the prober does not trust fails", async () => {
    const r = await httpProbe(httpConfig.parse({ url: url("valid") }), ctx());
    expect(r).toMatchObject({ ok: false, message: "TLS certificate is not trusted (unknown issuer)" });
  });

  it("plain HTTP to a TLS port fails readably", async () => {
    const r = await httpProbe(httpConfig.parse({ url: `http://127.0.0.1:${servers.valid?.port}/health` }), ctx());
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^(invalid HTTP response|connection closed|connection reset)/);
  });
});
