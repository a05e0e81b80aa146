/**
 * Component definitions through the tRPC router on a real PostgreSQL:
 * defaults, sealed secrets, audit + outbox in the same transaction, and bad
 * input that writes nothing (including an import with one bad entry).
 */
import { eq } from "drizzle-orm";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, componentStatus, components, events, healthTransitions } from "@/db/schema";
import { REDACTED, isSealed, unseal } from "@/server/crypto/secrets";
import { publicRowCounts, testDb, type TestDb } from "../db";
import { makeUser, type MadeUser } from "../factories";
import { callerFor, trpcErrorOf } from "../trpc";

let t: TestDb;
let admin: MadeUser;
let operator: MadeUser;
let viewer: MadeUser;

beforeAll(async () => {
  t = await testDb();
  [admin, operator, viewer] = await Promise.all([makeUser(t.db, { role: "admin" }), makeUser(t.db, { role: "operator" }), makeUser(t.db, { role: "viewer" })]);
});
afterAll(async () => {
  await t.close();
});

const as = (u: MadeUser) => callerFor(t.db, u.actor).health;
const http = (name: string, extra: Record<string, unknown> = {}) => ({ kind: "http" as const, name, service: "payments", config: { url: "http://127.0.0.1:9/health" }, ...extra });

async function expectNoWrites(run: () => Promise<unknown>) {
  const before = await publicRowCounts(t.sql);
  await run();
  expect(await publicRowCounts(t.sql)).toEqual(before);
}

describe("createComponent", () => {
  it("fills the kind's defaults, creates the service, a status row, an audit row and an outbox event", async () => {
    const { id } = await as(operator).createComponent(http("api"));
    const [c] = await t.db.select().from(components).where(eq(components.id, id));
    expect(c).toMatchObject({ kind: "http", intervalMs: 10_000, timeoutMs: 5_000, unhealthyThreshold: 3, healthyThreshold: 2, paused: false });
    expect(c!.shard).toBeGreaterThanOrEqual(0);
    expect(c!.shard).toBeLessThan(64);
    const [st] = await t.db.select().from(componentStatus).where(eq(componentStatus.componentId, id));
    expect(st?.state).toBe("unknown");
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.targetId, id));
    expect(audits.map((a) => a.action)).toEqual(["component.create"]);
    const ev = await t.db.select().from(events).where(eq(events.type, "component.created"));
    expect(ev.some((e) => (e.payload as { componentId: string }).componentId === id)).toBe(true);
  });

  it("seals passwords at rest and never returns them", async () => {
    const { id } = await as(admin).createComponent({ kind: "postgres", name: "db", service: "payments", config: { host: "127.0.0.1", port: 5432, user: "monitor", password: "s3cret-pw" } });
    const [c] = await t.db.select().from(components).where(eq(components.id, id));
    expect(isSealed(c!.config.password)).toBe(true);
    expect(unseal(c!.config.password as string)).toBe("s3cret-pw");
    const detail = await as(viewer).component({ id });
    expect(detail.config.password).toBe(REDACTED);
    // Saving the form back with the marker keeps the stored secret.
    await as(operator).updateComponent({ id, component: { kind: "postgres", name: "db", service: "payments", config: { host: "127.0.0.1", port: 5433, user: "monitor", password: REDACTED } } });
    const [after] = await t.db.select().from(components).where(eq(components.id, id));
    expect(after!.config.port).toBe(5433);
    expect(unseal(after!.config.password as string)).toBe("s3cret-pw");
  });

  it("a push component gets a token once; only its hash is stored", async () => {
    const res = await as(operator).createComponent({ kind: "push", name: "nightly-backup", service: "jobs", intervalMs: 86_400_000, config: {} });
    expect(res.pushToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const [c] = await t.db.select().from(components).where(eq(components.id, res.id));
    expect(c!.pushTokenHash).not.toContain(res.pushToken!);
    expect(c!.pushTokenHash).toHaveLength(64);
  });

  it.each([
    ["an invalid URL", http("bad-url", { config: { url: "not a url" } }), "config.url"],
    ["a port out of range", { kind: "tcp", name: "bad-port", service: "payments", config: { host: "127.0.0.1", port: 70_000 } }, "config.port"],
    ["an interval under 1 s", http("fast", { intervalMs: 500 }), "intervalMs"],
    ["a timeout not shorter than the interval", http("slow", { intervalMs: 5_000, timeoutMs: 5_000 }), "timeoutMs"],
    ["an unknown kind", { kind: "smtp", name: "mail", service: "payments", config: {} }, "kind"],
  ])("rejects %s with a field error and writes nothing", async (_what, input, field) => {
    await expectNoWrites(async () => {
      const err = await trpcErrorOf(as(operator).createComponent(input as never));
      expect(err.code).toBe("BAD_REQUEST");
    });
    // Through the verb (the one path), the same input names the field.
    const { createComponent } = await import("@/server/health/component-verbs");
    const { AppError } = await import("@/server/errors");
    const verbErr = await createComponent({ ctx: { actor: operator.actor, db: t.db, requestId: null }, input }).catch((e: unknown) => e);
    expect(verbErr).toBeInstanceOf(AppError);
    expect(Object.keys((verbErr as InstanceType<typeof AppError>).fieldErrors ?? {})).toContain(field);
  });

  it("refuses viewers and a duplicate name in the same service", async () => {
    expect((await trpcErrorOf(as(viewer).createComponent(http("nope")))).code).toBe("FORBIDDEN");
    await as(operator).createComponent(http("dup"));
    await expectNoWrites(async () => {
      expect((await trpcErrorOf(as(operator).createComponent(http("DUP")))).code).toBe("CONFLICT");
    });
  });
});

describe("pause, resume, delete", () => {
  it("pause records a transition to paused; resume goes back to unknown; delete is admin-only", async () => {
    const { id } = await as(operator).createComponent(http("pausable"));
    await as(operator).setPaused({ id, paused: true });
    await as(operator).setPaused({ id, paused: false });
    const tr = await t.db.select().from(healthTransitions).where(eq(healthTransitions.componentId, id)).orderBy(healthTransitions.id);
    expect(tr.map((r) => [r.fromState, r.toState])).toEqual([["unknown", "paused"], ["paused", "unknown"]]);
    expect((await trpcErrorOf(as(operator).deleteComponent({ id }))).code).toBe("FORBIDDEN");
    await as(admin).deleteComponent({ id });
    expect(await t.db.select().from(components).where(eq(components.id, id))).toHaveLength(0);
  });
});

describe("YAML import and export", () => {
  it("one bad entry among many: a message for that entry and nothing saved", async () => {
    const yaml = [
      "components:",
      "  - { kind: http, name: a1, service: imported, config: { url: 'http://127.0.0.1:1/health' } }",
      "  - { kind: tcp, name: a2, service: imported, config: { host: 127.0.0.1, port: 99999 } }",
      "  - { kind: http, name: a3, service: imported, intervalMs: 100, config: { url: 'http://127.0.0.1:1/' } }",
    ].join("\n");
    await expectNoWrites(async () => {
      const err = await trpcErrorOf(as(operator).importYaml({ yaml }));
      expect(err.code).toBe("BAD_REQUEST");
      expect(err.message).toMatch(/2 of 3 entries are invalid/);
      const fe = (err.cause as { fieldErrors?: Record<string, string[]> }).fieldErrors ?? {};
      expect(Object.keys(fe)).toEqual(expect.arrayContaining(["components.1.config.port", "components.2.intervalMs"]));
    });
    await expectNoWrites(async () => {
      expect((await trpcErrorOf(as(operator).importYaml({ yaml: "components: [ {" }))).code).toBe("BAD_REQUEST");
    });
  });

  it("export → import round-trips: same entries update in place, secrets kept", async () => {
    await as(operator).createComponent({ kind: "redis", name: "cache", service: "roundtrip", config: { host: "127.0.0.1", port: 6379, password: "redis-pw" } });
    const { yaml } = await as(viewer).exportYaml();
    const doc = parse(yaml) as { components: { name: string; config: Record<string, unknown> }[] };
    const cache = doc.components.find((c) => c.name === "cache");
    expect(cache?.config.password).toBe(REDACTED);
    const before = await t.db.select().from(components);
    const res = await as(operator).importYaml({ yaml });
    expect(res).toEqual({ created: 0, updated: before.length });
    const [after] = await t.db.select().from(components).where(eq(components.name, "cache"));
    expect(unseal(after!.config.password as string)).toBe("redis-pw");
  });
});

describe("overview", () => {
  it("derives each service's state from its components", async () => {
    const { id: bad } = await as(operator).createComponent(http("checkout", { service: "shop" }));
    const { id: good } = await as(operator).createComponent(http("catalog", { service: "shop" }));
    await t.db.update(componentStatus).set({ state: "unhealthy" }).where(eq(componentStatus.componentId, bad));
    await t.db.update(componentStatus).set({ state: "healthy" }).where(eq(componentStatus.componentId, good));
    const o = await as(viewer).overview();
    const shop = o.services.find((s) => s.name === "shop");
    expect(shop?.state).toBe("unhealthy");
    expect(shop?.counts).toMatchObject({ unhealthy: 1, healthy: 1 });
    expect(o.components.find((c) => c.id === good)?.target).toBe("http://127.0.0.1:9/health");
    await t.db.update(componentStatus).set({ state: "maintenance" }).where(eq(componentStatus.componentId, bad));
    expect((await as(viewer).overview()).services.find((s) => s.name === "shop")?.state).toBe("healthy");
  });
});

describe("latency and uptime from rollups", () => {
  it("computes percentiles from merged per-minute histograms and uptime without maintenance minutes", async () => {
    const { emptyHistogram, record } = await import("@/server/health/latency-histogram");
    const { id } = await as(operator).createComponent(http("charted"));
    const minute = (ago: number) => new Date(Math.floor(Date.now() / 60_000) * 60_000 - ago * 60_000).toISOString();
    const fast = emptyHistogram();
    for (let i = 0; i < 90; i++) record(fast, 10);
    const slow = emptyHistogram();
    for (let i = 0; i < 10; i++) record(slow, 1000);
    await t.sql`insert into probe_rollups_1m (component_id, minute, checks, failures, hist, maintenance) values
      (${id}, ${minute(3)}::timestamptz, 90, 0, ${Array.from(fast)}::int[], false),
      (${id}, ${minute(2)}::timestamptz, 10, 10, ${Array.from(slow)}::int[], false),
      (${id}, ${minute(1)}::timestamptz, 50, 50, ${Array.from(slow)}::int[], true)`;
    const { points } = await as(viewer).latency({ id, range: "24h" });
    const merged = points.reduce((a, p) => ({ checks: a.checks + p.checks, failures: a.failures + p.failures }), { checks: 0, failures: 0 });
    expect(merged).toEqual({ checks: 150, failures: 60 });
    const one = await as(viewer).latency({ id, range: "1h" });
    const p = one.points.find((x) => x.checks === 90)!;
    expect(p.p50).toBeGreaterThan(5);
    expect(p.p50).toBeLessThan(20);
    const both = points.find((x) => x.checks >= 100);
    if (both) expect(both.p99!).toBeGreaterThan(both.p50!);
    const up = await as(viewer).uptime({ id });
    // The maintenance minute (50 failures) is left out: 90 good of 100 checks.
    expect(up["24h"]).toBeCloseTo(0.9, 5);
  });
});
