/**
 * postgres probe against the suite's embedded PostgreSQL (a primary): role,
 * timeline, connection use, thresholds, credentials, and the cached
 * one-connection client's behaviour.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { closePgClients, pgClientCount } from "@/server/adapters/pg-clients";
import { postgresProbe } from "@/server/adapters/postgres";
import { seal } from "@/server/crypto/secrets";
import { postgresConfig } from "@/server/health/schemas";
import { withAdmin } from "../db";
import { closedPort, ctx, listen, rawServer } from "./helpers";

const suffix = randomBytes(4).toString("hex");
const monitor = { user: `probe_mon_${suffix}`, password: `pw-${suffix}-mon` };
const plain = { user: `probe_plain_${suffix}`, password: `pw-${suffix}-plain` };
let host: string;
let port: number;

const cfg = (over: Record<string, unknown> = {}) => postgresConfig.parse({ host, port, database: "postgres", ...monitor, ...over });

async function probeBackends(user: string): Promise<number> {
  return withAdmin(async (admin) => {
    const [row] = await admin<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where usename = ${user} and application_name = 'bulwark-probe'`;
    return row?.n ?? -1;
  });
}

beforeAll(async () => {
  process.env.BULWARK_ENCRYPTION_KEY ??= "probe-test-key";
  const url = new URL(inject("pgAdminUrl"));
  host = url.hostname;
  port = Number(url.port);
  await withAdmin(async (admin) => {
    await admin.unsafe(`create role ${monitor.user} login password '${monitor.password}'`);
    await admin.unsafe(`grant pg_monitor to ${monitor.user}`);
    await admin.unsafe(`create role ${plain.user} login password '${plain.password}'`);
  });
});
afterAll(async () => {
  await closePgClients();
  await withAdmin(async (admin) => {
    await admin.unsafe(`select pg_terminate_backend(pid) from pg_stat_activity where usename in ('${monitor.user}', '${plain.user}')`);
    await admin.unsafe(`drop role if exists ${monitor.user}`);
    await admin.unsafe(`drop role if exists ${plain.user}`);
  });
});

describe("postgres probe against the embedded PostgreSQL", () => {
  it("reports a primary: timeline, connection use, no standbys, no warning", async () => {
    const r = await postgresProbe(cfg(), ctx());
    expect(r).toMatchObject({ ok: true, warning: null, details: { role: "primary", timeline: 1, maxConnections: 200, standbys: [] } });
    const d = r.details as { connections: number; connectionsPct: number; version: string };
    expect(d.connections).toBeGreaterThanOrEqual(1);
    expect(d.connectionsPct).toBeCloseTo((d.connections / 200) * 100, 1);
    expect(d.version).toMatch(/^\d+/);
    expect(r.message).toMatch(/^primary, timeline 1, \d+\/200 connections$/);
  });

  it("a user with LOGIN only still passes, counts other users' connections, leaves out what it may not read", async () => {
    const extra = postgres(inject("pgAdminUrl"), { max: 4, onnotice: () => undefined });
    const held = await Promise.all([1, 2, 3, 4].map(() => extra.reserve()));
    const r = await postgresProbe(cfg(plain), ctx());
    for (const h of held) h.release();
    await extra.end();
    expect(r).toMatchObject({ ok: true, details: { role: "primary" } });
    const { timeline, connections } = r.details as { timeline: number | null; connections: number };
    expect(timeline === null || timeline === 1).toBe(true);
    expect(connections).toBeGreaterThanOrEqual(5); // the four held superuser sessions and its own
  });

  it("warns (degraded) when connections exceed maxConnectionsPct", async () => {
    // hold four more connections, so use is surely over 1% of 200 whatever else runs
    const extra = postgres(inject("pgAdminUrl"), { max: 4, onnotice: () => undefined });
    const held = await Promise.all([1, 2, 3, 4].map(() => extra.reserve()));
    const r = await postgresProbe(cfg({ maxConnectionsPct: 1 }), ctx());
    for (const h of held) h.release();
    await extra.end();
    expect(r.ok).toBe(true);
    expect(r.warning).toMatch(/^connections at [\d.]+% of max_connections \(limit 1%\)$/);
  });

  it("keeps one connection per target across checks, and drops it after a failure", async () => {
    for (let i = 0; i < 4; i++) expect((await postgresProbe(cfg(), ctx())).ok).toBe(true);
    expect(await probeBackends(monitor.user)).toBe(1);
    const before = pgClientCount();
    await postgresProbe(cfg({ database: `nope_${suffix}` }), ctx());
    expect(pgClientCount()).toBe(before); // the failed target's client was discarded
    await closePgClients();
    await expect.poll(() => probeBackends(monitor.user)).toBe(0);
  });

  it("accepts a sealed password, as stored", async () => {
    expect(await postgresProbe(cfg({ password: seal(monitor.password) }), ctx())).toMatchObject({ ok: true });
  });

  it("fails readably: wrong password, unknown database, refused", async () => {
    const wrong = await postgresProbe(cfg({ password: "wrong" }), ctx());
    expect(wrong).toMatchObject({ ok: false, message: `password authentication failed for user "${monitor.user}"` });
    const db = await postgresProbe(cfg({ database: `nope_${suffix}` }), ctx());
    expect(db).toMatchObject({ ok: false, message: `database "nope_${suffix}" does not exist` });
    expect(await postgresProbe(cfg({ port: await closedPort() }), ctx())).toMatchObject({ ok: false, message: "connection refused" });
  });

  it("times out on a server that accepts but never speaks, and lets the socket go", async () => {
    const silent = rawServer();
    const p = await listen(silent.server);
    const t0 = performance.now();
    expect(await postgresProbe(cfg({ port: p }), ctx(400))).toMatchObject({ ok: false, message: "timed out after 400 ms" });
    expect(performance.now() - t0).toBeLessThan(1000);
    await expect.poll(() => silent.sockets.size).toBe(0);
    await silent.stop();
  });

  it("fails readably on garbage", async () => {
    const junk = rawServer((s) => s.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
    const p = await listen(junk.server);
    const r = await postgresProbe(cfg({ port: p }), ctx(2000));
    expect(r).toMatchObject({ ok: false, message: "the server closed the connection during startup (is this PostgreSQL?)" });
    expect(r.latencyMs).toBeLessThan(1000);
    expect(junk.accepted()).toBe(1); // one attempt, no reconnect loop
    await junk.stop();
  });
});
