/**
 * Pulled SLI sources on a real PostgreSQL: probe rollups folded into SLI
 * minutes (availability and latency, maintenance skipped, only complete
 * minutes), the cursor advanced in the same transaction so a second pass never
 * double counts, and Prometheus through a local test double (a real
 * Prometheus cannot produce exact per-minute counts for past minutes here —
 * see test/helpers/prometheus-double.ts) including one failing SLO that does
 * not stop the others.
 */
import type { Sql } from "postgres";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeComponent, makeService } from "../prober/fixtures";
import { emptyHistogram, record, toPgArrayLiteral, upperBounds, bucketOf } from "@/server/health/latency-histogram";
import { bucketsWithin } from "@/server/slo/sources/probe-source";
import { PrometheusClient } from "@/server/slo/sources/prometheus-client";
import { initialCursor, pullSources } from "@/server/slo/sources/pull-sources";
import { evaluateAll } from "@/server/slo/evaluator/evaluate-all";
import { testDb, type TestDb } from "../db";
import { startPrometheusDouble, type PrometheusDouble } from "../helpers/prometheus-double";

const MIN = 60_000;
const DAY = 86_400_000;
const NOW = new Date(Date.UTC(2025, 5, 10, 12, 0, 30));
const END = Date.UTC(2025, 5, 10, 12, 0);

let open: TestDb[] = [];
let prom: PrometheusDouble;
beforeAll(async () => {
  prom = await startPrometheusDouble();
});
afterAll(async () => {
  await prom.close();
});
afterEach(async () => {
  await Promise.all(open.map((t) => t.close()));
  open = [];
  prom.series.clear();
  prom.calls.length = 0;
  prom.down = false;
});

async function fresh(): Promise<TestDb> {
  const t = await testDb();
  open.push(t);
  for (const at of [END - 40 * DAY, END - 20 * DAY, END]) {
    await t.sql`select sli_minutes_ensure_partition(${new Date(at).toISOString()}::timestamptz)`;
    await t.sql`select probe_rollups_ensure_partition(${new Date(at).toISOString()}::timestamptz)`;
  }
  return t;
}

async function makeSlo(sql: Sql, serviceId: string, key: string, sli: Record<string, unknown>): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into slos (service_id, key, name, sli, objective, "window")
    values (${serviceId}, ${key}, ${key}, ${JSON.stringify(sli)}::text::jsonb, 0.99, '{"kind":"rolling","days":30}'::jsonb) returning id`;
  return row!.id;
}

const rollup = (sql: Sql, componentId: string, at: number, checks: number, failures: number, opts: { hist?: string; maintenance?: boolean } = {}) =>
  sql`insert into probe_rollups_1m (component_id, minute, checks, failures, hist, maintenance)
      values (${componentId}, ${new Date(at).toISOString()}::timestamptz, ${checks}, ${failures}, ${opts.hist ?? "{}"}::int[], ${opts.maintenance ?? false})`;

const minutesOf = async (sql: Sql, sloId: string) =>
  (await sql<{ minute: string; good: number; total: number }[]>`select minute, good, total from sli_minutes where slo_id = ${sloId} order by minute`).map((r) => ({
    at: new Date(r.minute).getTime(),
    good: r.good,
    total: r.total,
  }));

const cursorOf = async (sql: Sql, sloId: string) => {
  const [c] = await sql<{ folded_until: string; last_error: string | null; last_error_at: string | null }[]>`select * from sli_source_cursors where slo_id = ${sloId}`;
  return c ? { foldedUntil: new Date(c.folded_until).getTime(), lastError: c.last_error, lastErrorAt: c.last_error_at } : null;
};

/** Pulls enough passes for 30 days of history (folded 7 days per pass); returns the minutes folded. */
async function catchUp(sql: Sql, now: Date, client?: PrometheusClient) {
  let total = 0;
  for (let i = 0; i < 6; i++) total += (await pullSources(sql, now, { client })).folded;
  return total;
}

describe("probe source", () => {
  it("folds availability from probe_rollups_1m: history since the window start, maintenance skipped, incomplete minutes left", async () => {
    const t = await fresh();
    const serviceId = await makeService(t.db);
    const componentId = await makeComponent(t.db, { serviceId });
    const id = await makeSlo(t.sql, serviceId, "avail", { source: "probe", componentId, measure: "availability" });
    await rollup(t.sql, componentId, END - 31 * DAY, 6, 6); // before the initial cursor (now − 30 d): never folded
    await rollup(t.sql, componentId, END - 20 * DAY, 10, 0);
    await rollup(t.sql, componentId, END - 10 * MIN, 6, 1);
    await rollup(t.sql, componentId, END - 9 * MIN, 6, 6, { maintenance: true }); // excluded from the SLI
    await rollup(t.sql, componentId, END - MIN, 6, 2); // 11:59, started 90 s before now: complete
    await rollup(t.sql, componentId, END, 3, 0); // 12:00, in progress: not yet
    expect(initialCursor(NOW.getTime(), { kind: "rolling", days: 30 })).toBe(END - 30 * DAY);
    expect(initialCursor(NOW.getTime(), { kind: "rolling", days: 7 })).toBe(END - 30 * DAY); // at least 30 days
    expect(initialCursor(NOW.getTime(), { kind: "calendar", unit: "month" })).toBe(END - 31 * DAY);
    expect(initialCursor(NOW.getTime(), { kind: "rolling", days: 90 })).toBe(END - 60 * DAY); // minutes are kept 62 days

    expect(await catchUp(t.sql, NOW)).toBe(3);
    expect(await minutesOf(t.sql, id)).toEqual([
      { at: END - 20 * DAY, good: 10, total: 10 },
      { at: END - 10 * MIN, good: 5, total: 6 },
      { at: END - MIN, good: 4, total: 6 },
    ]);
    expect(await cursorOf(t.sql, id)).toMatchObject({ foldedUntil: END, lastError: null });
    // Hour and day rollups were written with the minutes.
    const [h] = await t.sql<{ good: number; total: number }[]>`select sum(good)::float8 as good, sum(total)::float8 as total from sli_hours where slo_id = ${id}`;
    expect(h).toEqual({ good: 19, total: 22 });

    // Again at the same time: nothing new, nothing counted twice.
    expect((await pullSources(t.sql, NOW)).folded).toBe(0);
    expect((await minutesOf(t.sql, id)).reduce((s, m) => s + m.total, 0)).toBe(22);

    // A minute later 12:00 is complete.
    expect((await pullSources(t.sql, new Date(NOW.getTime() + MIN))).folded).toBe(1);
    expect((await minutesOf(t.sql, id)).at(-1)).toEqual({ at: END, good: 3, total: 3 });
    expect((await cursorOf(t.sql, id))!.foldedUntil).toBe(END + MIN);

    // The evaluator reads what was folded: 22 + 3 = 25 checks, 16 + 3 good … (10 + 5 + 4 + 3) = 22 good.
    await evaluateAll(t.sql, new Date(NOW.getTime() + MIN));
    const [st] = await t.sql<{ good: number; total: number }[]>`select good, total from slo_status where slo_id = ${id}`;
    expect(st).toEqual({ good: 22, total: 25 });
  });

  it("two passes at once fold each minute once (the second skips on the advisory lock)", async () => {
    const t = await fresh();
    const serviceId = await makeService(t.db);
    const componentId = await makeComponent(t.db, { serviceId });
    const id = await makeSlo(t.sql, serviceId, "twice", { source: "probe", componentId, measure: "availability" });
    await t.sql`insert into sli_source_cursors (slo_id, folded_until) values (${id}, ${new Date(END - 60 * MIN).toISOString()}::timestamptz)`;
    for (let i = 1; i <= 50; i++) await rollup(t.sql, componentId, END - i * MIN, 6, i % 2);
    const [a, b] = await Promise.all([pullSources(t.sql, NOW), pullSources(t.sql, NOW)]);
    expect([a.skipped, b.skipped].sort()).toEqual([false, true]);
    await catchUp(t.sql, NOW);
    const mins = await minutesOf(t.sql, id);
    expect(mins).toHaveLength(50);
    expect(mins.reduce((s, m) => s + m.total, 0)).toBe(300);
    expect(mins.reduce((s, m) => s + m.good, 0)).toBe(275);
  });

  it("latency: good = successful checks whose histogram bucket lies wholly under the threshold (conservative)", async () => {
    const t = await fresh();
    const serviceId = await makeService(t.db);
    const componentId = await makeComponent(t.db, { serviceId });
    const id = await makeSlo(t.sql, serviceId, "fast", { source: "probe", componentId, measure: "latency", thresholdMs: 100 });
    await t.sql`insert into sli_source_cursors (slo_id, folded_until) values (${id}, ${new Date(END - 60 * MIN).toISOString()}::timestamptz)`;
    const latencies = [3, 40, 90, 150, 2_000];
    const hist = emptyHistogram();
    for (const l of latencies) record(hist, l);
    // 6 checks: the 5 successful above and 1 failure (not in the histogram)
    await rollup(t.sql, componentId, END - 5 * MIN, 6, 1, { hist: toPgArrayLiteral(hist) });
    await pullSources(t.sql, NOW);
    const k = bucketsWithin(100);
    expect(upperBounds[k - 1]!).toBeLessThanOrEqual(100);
    expect(upperBounds[k]!).toBeGreaterThan(100);
    const expected = latencies.filter((l) => upperBounds[bucketOf(l)]! <= 100).length;
    expect(expected).toBeGreaterThanOrEqual(2); // 3 ms and 40 ms surely
    expect(expected).toBeLessThan(4); // 150 ms and 2 s never
    expect(await minutesOf(t.sql, id)).toEqual([{ at: END - 5 * MIN, good: expected, total: 6 }]);
  });

  it("a deleted component is an error on that SLO's cursor", async () => {
    const t = await fresh();
    const serviceId = await makeService(t.db);
    const id = await makeSlo(t.sql, serviceId, "orphan", { source: "probe", componentId: "00000000-0000-4000-8000-000000000001", measure: "availability" });
    const r = await pullSources(t.sql, NOW);
    expect(r).toMatchObject({ errors: 1, folded: 0 });
    const c = await cursorOf(t.sql, id);
    expect(c!.lastError).toMatch(/no longer exists/);
    expect(c!.foldedUntil).toBe(END - 30 * DAY);
  });
});

describe("prometheus source (local test double)", () => {
  it("folds good/total per minute matched by timestamp; a failing SLO records its error and the others still fold", async () => {
    const t = await fresh();
    const serviceId = await makeService(t.db);
    const componentId = await makeComponent(t.db, { serviceId });
    const good = await makeSlo(t.sql, serviceId, "prom-good", { source: "prometheus", url: prom.url, goodQuery: "good_q", totalQuery: "total_q" });
    const broken = await makeSlo(t.sql, serviceId, "prom-broken", { source: "prometheus", url: prom.url, goodQuery: "sum(rate(oops[", totalQuery: "total_q" });
    const probe = await makeSlo(t.sql, serviceId, "probe-too", { source: "probe", componentId, measure: "availability" });
    for (const id of [good, broken, probe]) {
      await t.sql`insert into sli_source_cursors (slo_id, folded_until) values (${id}, ${new Date(END - 60 * MIN).toISOString()}::timestamptz)`;
    }
    await rollup(t.sql, componentId, END - 30 * MIN, 6, 0);
    const bad = END - 20 * MIN; // the minute [11:40, 11:41), sampled at 11:41
    prom.series.set("total_q", () => 100);
    prom.series.set("good_q", (tMs) => (tMs === bad + MIN ? 50 : tMs === bad + 2 * MIN ? null : 99));
    const client = new PrometheusClient({ timeoutMs: 2_000, maxAttempts: 2, initialBackoffMs: 5, maxBackoffMs: 10 });

    const r = await pullSources(t.sql, NOW, { client });
    expect(r).toMatchObject({ skipped: false, slos: 3, errors: 1 });
    // Prometheus minutes are final 2 minutes after they end: [11:00, 11:58) → 58 minutes.
    const mins = await minutesOf(t.sql, good);
    expect(mins).toHaveLength(58);
    expect(mins[0]!.at).toBe(END - 60 * MIN);
    expect(mins.at(-1)!.at).toBe(END - 3 * MIN);
    expect(mins.find((m) => m.at === bad)).toEqual({ at: bad, good: 50, total: 100 });
    expect(mins.find((m) => m.at === bad + MIN)).toEqual({ at: bad + MIN, good: 0, total: 100 }); // no good sample
    expect(mins.reduce((s, m) => s + m.good, 0)).toBe(56 * 99 + 50);
    expect((await cursorOf(t.sql, good))!.foldedUntil).toBe(END - 2 * MIN);
    const call = prom.calls.find((c) => c.query === "total_q")!;
    expect(call).toEqual({ query: "total_q", start: (END - 59 * MIN) / 1000, end: (END - 2 * MIN) / 1000, step: 60 });

    const b = await cursorOf(t.sql, broken);
    expect(b!.lastError).toMatch(/Prometheus rejected the query \(bad_data\)/);
    expect(b!.lastErrorAt).not.toBeNull();
    expect(b!.foldedUntil).toBe(END - 60 * MIN);
    expect(await minutesOf(t.sql, broken)).toEqual([]);
    expect(await minutesOf(t.sql, probe)).toHaveLength(1);

    // Fixing the query clears the error on the next successful fold.
    await t.sql`update slos set sli = jsonb_set(sli, '{goodQuery}', '"good_q"') where id = ${broken}`;
    await pullSources(t.sql, NOW, { client });
    expect(await cursorOf(t.sql, broken)).toMatchObject({ lastError: null, foldedUntil: END - 2 * MIN });
  });

  it("a Prometheus that is down: retried with backoff, then recorded; the circuit breaker then fails fast", async () => {
    const t = await fresh();
    const serviceId = await makeService(t.db);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await makeSlo(t.sql, serviceId, `down-${i}`, { source: "prometheus", url: prom.url, goodQuery: "good_q", totalQuery: "total_q" });
      await t.sql`insert into sli_source_cursors (slo_id, folded_until) values (${id}, ${new Date(END - 60 * MIN).toISOString()}::timestamptz)`;
      ids.push(id);
    }
    prom.series.set("total_q", () => 100);
    prom.series.set("good_q", () => 100);
    prom.down = true;
    const client = new PrometheusClient({ timeoutMs: 2_000, maxAttempts: 2, initialBackoffMs: 5, maxBackoffMs: 10, breakerFailures: 4, halfOpenAfterMs: 60_000 });
    const r = await pullSources(t.sql, NOW, { client });
    expect(r.errors).toBe(3);
    const errs = await Promise.all(ids.map((id) => cursorOf(t.sql, id)));
    // SLOs are pulled in id order: the first one saw the 503s, the others the open breaker.
    const messages = errs.map((e) => e!.lastError ?? "");
    expect(messages.filter((m) => /HTTP 503/.test(m))).toHaveLength(1);
    expect(messages.filter((m) => /circuit breaker open/.test(m))).toHaveLength(2);
    // Two attempts per query of the first SLO opened the breaker; the others never reached the server.
    expect(prom.calls.length).toBeLessThanOrEqual(4);
  });
});
