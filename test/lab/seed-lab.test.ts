/**
 * Seeding the lab's components through the health verbs: once, atomically,
 * with the PostgreSQL password sealed; later starts only follow moved ports.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, components, services } from "@/db/schema";
import { isSealed, unseal } from "@/server/crypto/secrets";
import { LAB_SERVICE, movePorts, seedLab } from "@/server/lab/seed-lab";
import type { LabFile } from "@/server/lab/schemas";
import { testDb, type TestDb } from "../db";

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t.close();
});

const ports = { api: 41001, websocket: 41002, checkout: 41003, control: 41004 };
const pg = { port: 41005, password: "pg-super-secret" };
const file = (p: typeof ports, pgPort: number): LabFile => ({ ports: p, token: "x".repeat(20), pgPort, knobs: {} });

async function labComponents() {
  const [svc] = await t.db.select().from(services).where(eq(services.name, LAB_SERVICE));
  if (!svc) return [];
  return t.db.select().from(components).where(eq(components.serviceId, svc.id)).orderBy(components.name);
}

describe("seedLab", () => {
  it("creates service Demo lab with its seven components as the system actor lab", async () => {
    expect(await seedLab(t.db, { ports, pg, previous: null })).toEqual({ seeded: 7, moved: 0 });
    const list = await labComponents();
    expect(list.map((c) => `${c.kind} ${c.name}`).sort()).toEqual([
      "http API /health",
      "http API /health/live",
      "http API /health/ready",
      "http Checkout /health/ready",
      "postgres PostgreSQL (embedded)",
      "tcp PostgreSQL port (TCP)",
      "websocket WebSocket",
    ]);
    const byName = new Map(list.map((c) => [c.name, c]));
    expect(byName.get("API /health")?.config.url).toBe("http://127.0.0.1:41001/health");
    expect(byName.get("WebSocket")?.config.url).toBe("ws://127.0.0.1:41002/ws");
    const db = byName.get("PostgreSQL (embedded)")!;
    expect(db.config).toMatchObject({ host: "127.0.0.1", port: 41005, user: "postgres" });
    expect(isSealed(db.config.password)).toBe(true);
    expect(unseal(db.config.password as string)).toBe(pg.password);
    const actors = await t.db.selectDistinct({ a: auditLog.actorLabel }).from(auditLog);
    expect(actors.map((a) => a.a)).toEqual(["lab"]);
  });

  it("seeds nothing when the service exists and no port moved", async () => {
    const before = await t.db.select().from(auditLog);
    expect(await seedLab(t.db, { ports, pg, previous: file(ports, pg.port) })).toEqual({ seeded: 0, moved: 0 });
    expect((await t.db.select().from(auditLog)).length).toBe(before.length);
  });

  it("points the components at moved ports, keeping the stored password", async () => {
    const next = { ...ports, api: 42001 };
    const r = await seedLab(t.db, { ports: next, pg: { ...pg, port: 42005 }, previous: file(ports, pg.port) });
    expect(r).toEqual({ seeded: 0, moved: 5 });
    const byName = new Map((await labComponents()).map((c) => [c.name, c]));
    expect(byName.get("API /health/ready")?.config.url).toBe("http://127.0.0.1:42001/health/ready");
    expect(byName.get("Checkout /health/ready")?.config.url).toBe("http://127.0.0.1:41003/health/ready");
    expect(byName.get("PostgreSQL port (TCP)")?.config.port).toBe(42005);
    const db = byName.get("PostgreSQL (embedded)")!;
    expect(db.config.port).toBe(42005);
    expect(unseal(db.config.password as string)).toBe(pg.password);
  });
});

describe("movePorts", () => {
  const moved = new Map([[1000, 2000]]);
  it("rewrites only 127.0.0.1 targets on a moved port", () => {
    expect(movePorts("http", { url: "http://127.0.0.1:1000/health" }, moved)).toEqual({ url: "http://127.0.0.1:2000/health" });
    expect(movePorts("http", { url: "http://example.com:1000/health" }, moved)).toBeNull();
    expect(movePorts("websocket", { url: "ws://127.0.0.1:1001/ws" }, moved)).toBeNull();
    expect(movePorts("tcp", { host: "127.0.0.1", port: 1000 }, moved)).toEqual({ host: "127.0.0.1", port: 2000 });
    expect(movePorts("redis", { host: "127.0.0.1", port: 1000 }, moved)).toBeNull();
  });
});
