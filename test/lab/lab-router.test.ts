/**
 * The `lab` router against a real lab (started in this process) and a real
 * database: status, knobs as an operator with the audit row as the change
 * record, role checks, and nothing recorded when the lab refuses or is gone.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, events } from "@/db/schema";
import { writeLabFile } from "@/server/lab/lab-file";
import { LAB_OFF_REASON } from "@/server/lab/lab-client";
import { type Lab, startLab } from "@/server/lab/lab-server";
import { publicRowCounts, testDb, type TestDb } from "../db";
import { makeUser, type MadeUser } from "../factories";
import { callerFor, trpcErrorOf } from "../trpc";

let t: TestDb;
let lab: Lab;
let dir: string;
let operator: MadeUser;
let viewer: MadeUser;
const TOKEN = "router-test-token-0123456789";

beforeAll(async () => {
  t = await testDb();
  [operator, viewer] = await Promise.all([makeUser(t.db, { role: "operator" }), makeUser(t.db, { role: "viewer" })]);
  lab = await startLab({ ports: { api: 0, websocket: 0, checkout: 0, control: 0 }, token: TOKEN, checkoutDbUrl: t.url });
  dir = mkdtempSync(path.join(os.tmpdir(), "bulwark-lab-test-"));
  const file = path.join(dir, "lab.json");
  const s = lab.services;
  writeLabFile(file, { ports: { api: s.api.port, websocket: s.websocket.port, checkout: s.checkout.port, control: lab.controlPort }, token: TOKEN, pgPort: 5432, knobs: {} });
  process.env.BULWARK_LAB_FILE = file;
});
afterAll(async () => {
  delete process.env.BULWARK_LAB_FILE;
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
  await t.close();
});

const as = (u: MadeUser) => callerFor(t.db, u.actor).lab;
const labAudits = () => t.db.select().from(auditLog).where(eq(auditLog.action, "lab.knobs.set"));

describe("lab.status", () => {
  it("lists the sample services with URLs and knobs for a viewer", async () => {
    const st = await as(viewer).status();
    if (!st.running) throw new Error(`expected a running lab: ${st.reason}`);
    expect(st.services.map((s) => s.name)).toEqual(["api", "websocket", "checkout"]);
    expect(st.services[0]).toMatchObject({ url: `http://127.0.0.1:${lab.services.api.port}`, latencyMs: 0, failureRate: 0, down: false, error: null });
  });

  it("says why when this start has no lab (no BULWARK_LAB_FILE)", async () => {
    const file = process.env.BULWARK_LAB_FILE;
    delete process.env.BULWARK_LAB_FILE;
    try {
      expect(await as(viewer).status()).toEqual({ running: false, reason: LAB_OFF_REASON });
    } finally {
      process.env.BULWARK_LAB_FILE = file;
    }
  });
});

describe("lab.setKnobs", () => {
  it("changes the lab and records who changed what (from → to) with an outbox event", async () => {
    const after = await as(operator).setKnobs({ service: "api", failureRate: 1, latencyMs: 20 });
    expect(after).toMatchObject({ name: "api", failureRate: 1, latencyMs: 20, down: false });
    expect(lab.services.api.knobs).toEqual({ latencyMs: 20, failureRate: 1, down: false });
    expect((await fetch(`http://127.0.0.1:${lab.services.api.port}/health`)).status).toBe(503);
    const [row] = await labAudits();
    expect(row).toMatchObject({ actorLabel: operator.row.email, targetType: "lab_service", targetId: "api" });
    expect(row!.details).toMatchObject({ from: { latencyMs: 0, failureRate: 0, down: false }, to: { latencyMs: 20, failureRate: 1, down: false } });
    const ev = await t.db.select().from(events).where(eq(events.type, "lab.knobs.changed"));
    expect(ev.map((e) => e.topic)).toEqual(["lab"]);
    await as(operator).setKnobs({ service: "api", failureRate: 0, latencyMs: 0 });
  });

  it("writes no audit row when nothing changes", async () => {
    const n = (await labAudits()).length;
    await as(operator).setKnobs({ service: "checkout", down: false });
    expect((await labAudits()).length).toBe(n);
  });

  it("is forbidden to a viewer, and rejects bad knobs with field errors", async () => {
    expect((await trpcErrorOf(as(viewer).setKnobs({ service: "api", down: true }))).code).toBe("FORBIDDEN");
    const bad = await trpcErrorOf(as(operator).setKnobs({ service: "api", failureRate: 1.5 }));
    expect(bad.code).toBe("BAD_REQUEST");
    expect(lab.services.api.knobs.down).toBe(false);
  });

  it("records nothing when the lab is not answering", async () => {
    const s = lab.services;
    const file = process.env.BULWARK_LAB_FILE!;
    const gone = await startLab({ ports: { api: 0, websocket: 0, checkout: 0, control: 0 }, token: TOKEN, checkoutDbUrl: t.url });
    const deadControl = gone.controlPort;
    await gone.stop();
    writeLabFile(file, { ports: { api: s.api.port, websocket: s.websocket.port, checkout: s.checkout.port, control: deadControl }, token: TOKEN, pgPort: 5432, knobs: {} });
    try {
      const before = await publicRowCounts(t.sql);
      const err = await trpcErrorOf(as(operator).setKnobs({ service: "api", down: true }));
      expect(err.code).toBe("PRECONDITION_FAILED");
      expect(err.message).toMatch(/not answering/);
      expect(await publicRowCounts(t.sql)).toEqual(before);
      const st = await as(viewer).status();
      expect(st.running).toBe(false);
    } finally {
      writeLabFile(file, { ports: { api: s.api.port, websocket: s.websocket.port, checkout: s.checkout.port, control: lab.controlPort }, token: TOKEN, pgPort: 5432, knobs: {} });
    }
  });

  it("records nothing when the lab refuses the change (wrong token)", async () => {
    const s = lab.services;
    const file = process.env.BULWARK_LAB_FILE!;
    writeLabFile(file, { ports: { api: s.api.port, websocket: s.websocket.port, checkout: s.checkout.port, control: lab.controlPort }, token: "some-other-token-0123456789", pgPort: 5432, knobs: {} });
    try {
      const before = await publicRowCounts(t.sql);
      expect((await trpcErrorOf(as(operator).setKnobs({ service: "api", down: true }))).code).toBe("PRECONDITION_FAILED");
      expect(await publicRowCounts(t.sql)).toEqual(before);
      expect(lab.services.api.knobs.down).toBe(false);
    } finally {
      writeLabFile(file, { ports: { api: s.api.port, websocket: s.websocket.port, checkout: s.checkout.port, control: lab.controlPort }, token: TOKEN, pgPort: 5432, knobs: {} });
    }
  });

  it("puts the knobs back when the transaction fails after the lab changed", async () => {
    // A fault in the database, after the lab call: the outbox insert of this event type fails.
    await t.sql.unsafe(`
      create function lab_test_reject() returns trigger language plpgsql as $$
      begin raise exception 'injected outbox failure'; end $$;
      create trigger lab_test_reject before insert on events for each row
      when (new.type = 'lab.knobs.changed') execute function lab_test_reject();`);
    try {
      const before = await publicRowCounts(t.sql);
      const err = await trpcErrorOf(as(operator).setKnobs({ service: "checkout", latencyMs: 700 }));
      expect(err.code).toBe("INTERNAL_SERVER_ERROR");
      expect(await publicRowCounts(t.sql)).toEqual(before);
      expect(lab.services.checkout.knobs).toEqual({ latencyMs: 0, failureRate: 0, down: false });
    } finally {
      await t.sql.unsafe("drop trigger lab_test_reject on events; drop function lab_test_reject();");
    }
  });
});
