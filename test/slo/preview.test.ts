/**
 * The SLO form's live preview from existing data on a real PostgreSQL:
 * probe rollups of a component, an existing SLO's pushed buckets, and a
 * Prometheus source through the local test double (a real Prometheus cannot
 * hold exact past data here; see test/helpers/prometheus-double.ts). Nothing
 * is written.
 */
import type { Sql } from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { previewInput } from "@/server/slo/schemas";
import { previewSlo } from "@/server/slo/preview";
import { addSliCounts } from "@/server/slo/store/write-buckets";
import { makeComponent, makeService } from "../prober/fixtures";
import { publicRowCounts, testDb, type TestDb } from "../db";
import { startPrometheusDouble, type PrometheusDouble } from "../helpers/prometheus-double";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = new Date(Date.UTC(2025, 5, 10, 12, 0, 30));
const END = Date.UTC(2025, 5, 10, 12, 0);
const TODAY = Date.UTC(2025, 5, 10);

let t: TestDb;
let prom: PrometheusDouble;
let serviceId: string;
let componentId: string;

beforeAll(async () => {
  t = await testDb();
  prom = await startPrometheusDouble();
  for (const at of [END - 40 * DAY, END - 20 * DAY, END]) {
    await t.sql`select sli_minutes_ensure_partition(${new Date(at).toISOString()}::timestamptz)`;
    await t.sql`select probe_rollups_ensure_partition(${new Date(at).toISOString()}::timestamptz)`;
  }
  serviceId = await makeService(t.db);
  componentId = await makeComponent(t.db, { serviceId });
  const rollup = (at: number, checks: number, failures: number, maintenance = false) =>
    t.sql`insert into probe_rollups_1m (component_id, minute, checks, failures, hist, maintenance)
          values (${componentId}, ${new Date(at).toISOString()}::timestamptz, ${checks}, ${failures}, '{}'::int[], ${maintenance})`;
  await rollup(END - 31 * DAY, 50, 50); // older than 30 days
  await rollup(END - 20 * DAY, 10, 0);
  await rollup(END - 3 * DAY, 100, 10);
  await rollup(END - 3 * DAY + MIN, 6, 6, true); // maintenance: excluded
  await rollup(END - 60 * MIN, 6, 0);
});
afterAll(async () => {
  await prom.close();
  await t.close();
});

const input = (raw: Record<string, unknown>) => previewInput.parse({ objective: 0.99, window: { kind: "rolling", days: 30 }, ...raw });

describe("previewSlo", () => {
  it("probe availability: 7- and 30-day figures and 30 daily points from probe_rollups_1m, writing nothing", async () => {
    const before = await publicRowCounts(t.sql);
    const p = await previewSlo(t.db, input({ sli: { source: "probe", componentId, measure: "availability" } }), NOW);
    expect(await publicRowCounts(t.sql)).toEqual(before);
    const [w7, w30] = p.windows;
    // 30 d: 10 + 90 + 6 good of 116 → SLI 0.9138; consumed (10/116)/0.01 = 8.62 → breached
    expect(w30).toMatchObject({ days: 30, good: 106, total: 116, state: "breached" });
    expect(w30!.sli).toBeCloseTo(106 / 116, 12);
    expect(w30!.consumed).toBeCloseTo(10 / 116 / 0.01, 9);
    // 7 d: 90 + 6 of 106
    expect(w7).toMatchObject({ days: 7, good: 96, total: 106 });
    expect(w7!.remaining).toBeCloseTo(1 - 10 / 106 / 0.01, 9);
    expect(p.daily).toHaveLength(30);
    expect(p.daily[0]!.day.getTime()).toBe(TODAY - 29 * DAY);
    expect(p.daily[29]!.day.getTime()).toBe(TODAY);
    expect(p.daily[29]).toMatchObject({ good: 6, total: 6, sli: 1 });
    expect(p.daily.find((d) => d.day.getTime() === TODAY - 3 * DAY)).toMatchObject({ good: 90, total: 100, sli: 0.9 });
    expect(p.daily.find((d) => d.day.getTime() === TODAY - 10 * DAY)).toMatchObject({ good: 0, total: 0, sli: null });
    expect(p.note).toBeNull();
  });

  it("probe with time slices counts minutes: 3 minutes with data, 1 below a 95 % target", async () => {
    const p = await previewSlo(t.db, input({ sli: { source: "probe", componentId, measure: "availability" }, budgetingMethod: "timeslices", timesliceTarget: 0.95 }), NOW);
    expect(p.windows[1]).toMatchObject({ good: 2, total: 3 });
    // budget 1 % of 43,200 minutes = 432; 1 bad minute
    expect(p.windows[1]!.consumed).toBeCloseTo(1 / 432, 9);
    expect(p.windows[1]!.state).toBe("ok");
  });

  it("an unknown component is a field error", async () => {
    await expect(previewSlo(t.db, input({ sli: { source: "probe", componentId: "00000000-0000-4000-8000-000000000009", measure: "availability" } }), NOW)).rejects.toMatchObject({
      code: "BAD_REQUEST",
      fieldErrors: { "sli.componentId": ["No component with this id"] },
    });
  });

  it("push: no data before saving; an existing SLO's own buckets when editing", async () => {
    const fresh = await previewSlo(t.db, input({ sli: { source: "push" } }), NOW);
    expect(fresh.note).toBe("No data until events are pushed");
    expect(fresh.windows.map((w) => w.state)).toEqual(["no_data", "no_data"]);
    expect(fresh.windows.every((w) => w.sli === null)).toBe(true);

    const [row] = await t.sql<{ id: string }[]>`
      insert into slos (service_id, key, name, sli, objective, "window") values (${serviceId}, 'pushed', 'Pushed', '{"source":"push"}'::jsonb, 0.999, '{"kind":"rolling","days":30}'::jsonb) returning id`;
    await addSliCounts(t.sql, [
      { sloId: row!.id, at: END - 15 * DAY, good: 1_000, total: 1_000 },
      { sloId: row!.id, at: END - 2 * DAY, good: 998, total: 1_000 },
    ]);
    const p = await previewSlo(t.db, input({ id: row!.id, sli: { source: "push" }, objective: 0.999 }), NOW);
    expect(p.windows[0]).toMatchObject({ days: 7, good: 998, total: 1_000 });
    expect(p.windows[0]!.consumed).toBeCloseTo(2, 9);
    expect(p.windows[1]).toMatchObject({ days: 30, good: 1_998, total: 2_000, state: "ok" });
    expect(p.note).toBeNull();
  });

  it("prometheus: one bounded hourly query per query through the test double", async () => {
    prom.series.set("sum(increase(ok[1m]))", (tMs) => (tMs > END - 2 * DAY ? 99 : 100));
    prom.series.set("sum(increase(all[1m]))", () => 100);
    const p = await previewSlo(t.db, input({ sli: { source: "prometheus", url: prom.url, goodQuery: "sum(increase(ok[1m]))", totalQuery: "sum(increase(all[1m]))" } }), NOW);
    expect(prom.calls).toHaveLength(2);
    expect(prom.calls[0]!.step).toBe(3600);
    expect(prom.calls[0]!.query).toMatch(/^sum_over_time\(\(sum\(increase\((ok|all)\[1m\]\)\)\)\[1h:1m\]\)$/);
    // whole hours from 12:00 30 days ago to 12:00 today (a sample at T sums the hour before T): 720 × 6,000
    expect(p.windows[1]!.total).toBe(720 * 6_000);
    // every minute of the last 48 hours lost 1
    expect(p.windows[1]!.total - p.windows[1]!.good).toBe(48 * 60);
    expect(p.windows[1]!.sli).toBeGreaterThan(0.99);
    expect(p.daily[29]!.total).toBe(12 * 6_000);
  });

  it("prometheus: a bad query is a clear error", async () => {
    await expect(previewSlo(t.db, input({ sli: { source: "prometheus", url: prom.url, goodQuery: "nope(", totalQuery: "nope(" } }), NOW)).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/Prometheus rejected the query/),
    });
  });
});
