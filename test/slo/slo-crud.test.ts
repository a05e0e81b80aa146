/**
 * SLO definitions through the tRPC router on a real PostgreSQL: create /
 * update / delete with audit and outbox rows, bad input that writes nothing,
 * adjustments, and the list and series reads over rollups.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { zodFieldErrors } from "@/server/core/verb";
import { auditLog, events, sliDays, sliHours, sloStatus, slos } from "@/db/schema";
import { evaluateAll } from "@/server/slo/evaluator/evaluate-all";
import { addSliCounts } from "@/server/slo/store/write-buckets";
import { publicRowCounts, testDb, type TestDb } from "../db";
import { makeUser, type MadeUser } from "../factories";
import { callerFor, trpcErrorOf } from "../trpc";

let t: TestDb;
let admin: MadeUser;
let operator: MadeUser;
let viewer: MadeUser;
let componentId: string;

beforeAll(async () => {
  t = await testDb();
  [admin, operator, viewer] = await Promise.all([makeUser(t.db, { role: "admin" }), makeUser(t.db, { role: "operator" }), makeUser(t.db, { role: "viewer" })]);
  ({ id: componentId } = await callerFor(t.db, operator.actor).health.createComponent({
    kind: "http",
    name: "api",
    service: "checkout",
    config: { url: "http://127.0.0.1:9/health" },
  }));
});
afterAll(async () => {
  await t.close();
});

const as = (u: MadeUser) => callerFor(t.db, u.actor).slo;
const pushSlo = (name: string, extra: Record<string, unknown> = {}) => ({
  service: "checkout",
  name,
  sli: { source: "push" as const },
  objective: 0.999,
  window: { kind: "rolling" as const, days: 30 },
  ...extra,
});

/** tRPC's input parser rejects first (a ZodError); the verb's own parse would give an AppError: both carry field paths. */
function fieldErrorsOf(err: { cause?: unknown }): Record<string, unknown> {
  if (err.cause instanceof ZodError) return zodFieldErrors(err.cause);
  return (err.cause as { fieldErrors?: Record<string, unknown> } | undefined)?.fieldErrors ?? {};
}

async function expectNoWrites(run: () => Promise<unknown>) {
  const before = await publicRowCounts(t.sql);
  await run();
  expect(await publicRowCounts(t.sql)).toEqual(before);
}

describe("create", () => {
  it("stores the definition with a slug key, a no-data status row, an audit row and an outbox event", async () => {
    const slo = await as(operator).create({
      service: "checkout",
      name: "Checkout availability (99.9%)",
      owner: "team-pay",
      sli: { source: "probe", componentId, measure: "availability" },
      objective: 0.999,
      window: { kind: "rolling", days: 28 },
      labels: { tier: "1" },
    });
    expect(slo).toMatchObject({ key: "checkout-availability-99-9", serviceName: "checkout", objective: 0.999, budgetingMethod: "occurrences", timesliceTarget: null });
    expect(slo.window).toEqual({ kind: "rolling", days: 28 });
    const [st] = await t.db.select().from(sloStatus).where(eq(sloStatus.sloId, slo.id));
    expect(st?.state).toBe("no_data");
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.targetId, slo.id));
    expect(audits.map((a) => a.action)).toEqual(["slo.create"]);
    const ev = await t.db.select().from(events).where(eq(events.type, "slo.created"));
    expect(ev.some((e) => (e.payload as { sloId: string }).sloId === slo.id)).toBe(true);
  });

  it.each([
    ["objective of 100 %", { objective: 1 }, "objective"],
    ["objective of 0", { objective: 0 }, "objective"],
    ["window of 0 days", { window: { kind: "rolling", days: 0 } }, "window.days"],
    ["unknown calendar unit", { window: { kind: "calendar", unit: "year" } }, "window.unit"],
    ["time slices without a target", { budgetingMethod: "timeslices" }, "timesliceTarget"],
    ["latency SLI without threshold", { sli: { source: "probe", componentId: "00000000-0000-4000-8000-000000000000", measure: "latency" } }, "sli.thresholdMs"],
  ])("rejects %s with a field error and writes nothing", async (_label, patch, field) => {
    await expectNoWrites(async () => {
      const err = await trpcErrorOf(as(operator).create(pushSlo("bad", patch)));
      expect(err.code).toBe("BAD_REQUEST");
      expect(Object.keys(fieldErrorsOf(err))).toContain(field);
    });
  });

  it("rejects an unknown component and writes nothing (not even the new service)", async () => {
    await expectNoWrites(async () => {
      const err = await trpcErrorOf(
        as(operator).create(pushSlo("ghost", { service: "brand-new", sli: { source: "probe", componentId: "00000000-0000-4000-8000-000000000000", measure: "availability" } })),
      );
      expect(err.code).toBe("BAD_REQUEST");
      expect(err.message).toMatch(/Unknown component/);
    });
  });

  it("refuses a duplicate key with CONFLICT", async () => {
    await as(operator).create(pushSlo("Dup", { key: "dup-key" }));
    await expectNoWrites(async () => {
      const err = await trpcErrorOf(as(operator).create(pushSlo("Dup again", { key: "dup-key" })));
      expect(err.code).toBe("CONFLICT");
    });
  });

  it("is operator or above", async () => {
    const err = await trpcErrorOf(as(viewer).create(pushSlo("nope")));
    expect(err.code).toBe("FORBIDDEN");
  });
});

describe("update and delete", () => {
  it("keeps the counts when only the objective changes, and starts afresh when the SLI changes", async () => {
    const slo = await as(operator).create(pushSlo("Resettable"));
    await addSliCounts(t.sql, [{ sloId: slo.id, at: Date.now() - 3_600_000, good: 90, total: 100 }]);
    const hours = async () => (await t.db.select().from(sliHours).where(eq(sliHours.sloId, slo.id))).length;

    const same = await as(operator).update({ id: slo.id, ...pushSlo("Resettable", { objective: 0.99 }) });
    expect(same.objective).toBe(0.99);
    expect(await hours()).toBe(1);
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, "slo.update"));
    expect((audit?.details as { changed: string[] }).changed).toEqual(["objective"]);

    await as(operator).update({ id: slo.id, ...pushSlo("Resettable", { sli: { source: "probe", componentId, measure: "availability" } }) });
    expect(await hours()).toBe(0);
    const minutes = await t.sql`select count(*)::int as n from sli_minutes where slo_id = ${slo.id}`;
    expect(minutes[0]?.n).toBe(0);
  });

  it("deletes (admin only) with the SLO's minute rows, which have no foreign key", async () => {
    const slo = await as(operator).create(pushSlo("Doomed"));
    await addSliCounts(t.sql, [{ sloId: slo.id, at: Date.now() - 120_000, good: 1, total: 1 }]);
    expect((await trpcErrorOf(as(operator).delete({ id: slo.id }))).code).toBe("FORBIDDEN");
    await as(admin).delete({ id: slo.id });
    expect(await t.db.select().from(slos).where(eq(slos.id, slo.id))).toHaveLength(0);
    expect(await t.db.select().from(sliDays).where(eq(sliDays.sloId, slo.id))).toHaveLength(0);
    const minutes = await t.sql`select count(*)::int as n from sli_minutes where slo_id = ${slo.id}`;
    expect(minutes[0]?.n).toBe(0);
    expect((await trpcErrorOf(as(admin).delete({ id: slo.id }))).code).toBe("NOT_FOUND");
  });
});

describe("adjustments", () => {
  it("adds and removes an excluded range with audit rows; end before start is refused", async () => {
    const slo = await as(operator).create(pushSlo("Drilled"));
    const start = new Date("2026-11-01T10:00:00Z");
    await expectNoWrites(async () => {
      const err = await trpcErrorOf(as(operator).addAdjustment({ sloId: slo.id, start, end: new Date(start.getTime() - 1), reason: "drill" }));
      expect(err.code).toBe("BAD_REQUEST");
    });
    const adj = await as(operator).addAdjustment({ sloId: slo.id, start, end: new Date(start.getTime() + 3_600_000), reason: "planned failover drill" });
    const detail = await as(viewer).detail({ id: slo.id });
    expect(detail.adjustments.map((a) => a.reason)).toEqual(["planned failover drill"]);
    expect(detail.adjustments[0]?.createdBy).toBe(operator.row.email);
    await as(operator).removeAdjustment({ id: adj.id });
    expect((await as(viewer).detail({ id: slo.id })).adjustments).toHaveLength(0);
    const actions = (await t.db.select().from(auditLog).where(eq(auditLog.targetId, slo.id))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["slo.adjustment.add", "slo.adjustment.remove"]));
  });
});

describe("reads", () => {
  it("lists SLOs with status and a 30-day sparkline from day rollups, filtered by service, state and owner", async () => {
    const slo = await as(operator).create(pushSlo("Sparkly", { owner: "Team Spark", service: "spark-svc" }));
    const day = 86_400_000;
    const today = Math.floor(Date.now() / day) * day;
    await addSliCounts(t.sql, [
      { sloId: slo.id, at: today + 60_000, good: 99, total: 100 },
      { sloId: slo.id, at: today - 2 * day + 60_000, good: 50, total: 100 },
    ]);
    // The evaluator keeps the sparkline on the status row; the state is then forced to check it is read as stored.
    await evaluateAll(t.sql);
    await t.db.update(sloStatus).set({ state: "warning", sli: 0.745, remaining: -254 }).where(eq(sloStatus.sloId, slo.id));

    const [row] = await as(viewer).list({ service: "spark-svc" });
    expect(row).toMatchObject({ key: "sparkly", owner: "Team Spark", serviceName: "spark-svc", state: "warning", sli: 0.745, sliSource: "push" });
    expect(row!.spark).toHaveLength(30);
    expect(row!.spark[29]).toBeCloseTo(0.99, 10);
    expect(row!.spark[27]).toBeCloseTo(0.5, 10);
    expect(row!.spark[28]).toBeNull();
    expect(await as(viewer).list({ service: "spark-svc", state: "ok" })).toHaveLength(0);
    expect((await as(viewer).list({ owner: "team spark" })).map((r) => r.id)).toEqual([slo.id]);
    expect(await as(viewer).list({ owner: "%" })).toHaveLength(0);
  });

  it("series: SLI per day and a burn-down that subtracts adjusted minutes", async () => {
    const slo = await as(operator).create(pushSlo("Burning", { objective: 0.9, window: { kind: "rolling", days: 7 } }));
    const day = 86_400_000;
    const today = Math.floor(Date.now() / day) * day;
    const bad = today - day + 3_600_000; // yesterday 01:00
    await addSliCounts(t.sql, [
      { sloId: slo.id, at: today - 2 * day + 60_000, good: 100, total: 100 },
      { sloId: slo.id, at: bad, good: 0, total: 100 },
      { sloId: slo.id, at: bad + 60_000, good: 100, total: 100 },
    ]);
    const before = await as(viewer).series({ id: slo.id, days: 30 });
    expect(before.resolution).toBe("day");
    const y = before.points.find((p) => p.t.getTime() === today - day);
    expect(y).toMatchObject({ good: 100, total: 200, sli: 0.5 });
    // 100 bad of 300 against a 10 % budget: consumed 3.33, remaining −2.33.
    expect(before.points.at(-1)?.remaining).toBeCloseTo(1 - 100 / 300 / 0.1, 9);

    await as(operator).addAdjustment({ sloId: slo.id, start: new Date(bad), end: new Date(bad + 60_000), reason: "known bad minute" });
    const after = await as(viewer).series({ id: slo.id, days: 30 });
    expect(after.points.find((p) => p.t.getTime() === today - day)).toMatchObject({ good: 100, total: 100, sli: 1 });
    expect(after.points.at(-1)?.remaining).toBeCloseTo(1, 9);
    expect(after.adjustments).toHaveLength(1);

    const hourly = await as(viewer).series({ id: slo.id, days: 7 });
    expect(hourly.resolution).toBe("hour");
    expect(hourly.points).toHaveLength(7 * 24);
  });

  it("series of a probe SLO carries its component's maintenance as merged ranges", async () => {
    const slo = await as(operator).create(pushSlo("Maintained", { sli: { source: "probe", componentId, measure: "availability" } }));
    const m0 = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
    const at = (i: number) => new Date(m0 + i * 60_000).toISOString();
    for (const [i, maint] of [[0, true], [1, true], [2, true], [3, false], [5, true]] as const) {
      await t.sql`insert into probe_rollups_1m (component_id, minute, checks, failures, hist, maintenance) values (${componentId}, ${at(i)}::timestamptz, 6, 0, '{}', ${maint})`;
    }
    const s = await as(viewer).series({ id: slo.id, days: 1 });
    expect(s.maintenance.map((r) => [r.start.toISOString(), r.end.toISOString()])).toEqual([
      [at(0), at(3)],
      [at(5), at(6)],
    ]);
  });

  it("writes mark rollups for a time-slice recount only for time-slice SLOs", async () => {
    const occ = await as(operator).create(pushSlo("Occurrences only"));
    const ts = await as(operator).create(pushSlo("Sliced", { budgetingMethod: "timeslices", timesliceTarget: 0.95 }));
    const at = Date.now() - 120_000;
    await addSliCounts(t.sql, [
      { sloId: occ.id, at, good: 1, total: 1 },
      { sloId: ts.id, at, good: 1, total: 1 },
    ]);
    const dirty = async (sloId: string) => (await t.db.select({ d: sliHours.slicesDirty }).from(sliHours).where(eq(sliHours.sloId, sloId)))[0]?.d;
    expect(await dirty(occ.id)).toBe(false);
    expect(await dirty(ts.id)).toBe(true);
  });

  it("detail of an unknown SLO is NOT_FOUND", async () => {
    expect((await trpcErrorOf(as(viewer).detail({ id: "00000000-0000-4000-8000-000000000000" }))).code).toBe("NOT_FOUND");
  });

  it("a hand-corrupted definition is reported, not half-shown", async () => {
    const slo = await as(operator).create(pushSlo("Corrupt"));
    await t.db.execute(sql`update slos set sli = '{"source":"nope"}'::jsonb where id = ${slo.id}`);
    const err = await trpcErrorOf(as(viewer).detail({ id: slo.id }));
    expect(err.message).toMatch(/invalid stored sli/);
  });
});
