/**
 * The SLO evaluator on a real PostgreSQL: minute counts written through
 * addSliCounts (the one writer), one evaluateAll cycle at a fixed `now`, and
 * the stored slo_status / events / budget_events checked against figures
 * worked out by hand in the comments.
 */
import type { Sql } from "postgres";
import { afterEach, describe, expect, it } from "vitest";
import { evaluateAll } from "@/server/slo/evaluator/evaluate-all";
import { gateAnswer } from "@/server/slo/gate";
import { addSliCounts, type SliCount } from "@/server/slo/store/write-buckets";
import { testDb, type TestDb } from "../db";

let open: TestDb[] = [];
afterEach(async () => {
  await Promise.all(open.map((t) => t.close()));
  open = [];
});

async function fresh(): Promise<TestDb> {
  const t = await testDb();
  open.push(t);
  return t;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

type SloOpts = {
  key?: string;
  objective?: number;
  window?: Record<string, unknown>;
  method?: "occurrences" | "timeslices" | "ratio_timeslices";
  target?: number | null;
  alerting?: Record<string, unknown>;
  serviceId?: string;
};

async function service(sql: Sql, name = "payments"): Promise<string> {
  const [s] = await sql<{ id: string }[]>`insert into services (name) values (${name}) on conflict do nothing returning id`;
  if (s) return s.id;
  const [e] = await sql<{ id: string }[]>`select id from services where lower(name) = lower(${name})`;
  return e!.id;
}

let seq = 0;
async function slo(sql: Sql, o: SloOpts = {}): Promise<string> {
  const serviceId = o.serviceId ?? (await service(sql));
  const key = o.key ?? `slo-${++seq}`;
  const [row] = await sql<{ id: string }[]>`
    insert into slos (service_id, key, name, sli, objective, "window", budgeting_method, timeslice_target, alerting)
    values (${serviceId}, ${key}, ${`SLO ${key}`}, ${JSON.stringify({ source: "push" })}::text::jsonb, ${o.objective ?? 0.999},
      ${JSON.stringify(o.window ?? { kind: "rolling", days: 30 })}::text::jsonb, ${o.method ?? "occurrences"}, ${o.target ?? null},
      ${JSON.stringify(o.alerting ?? { overrides: {} })}::text::jsonb)
    returning id`;
  return row!.id;
}

async function partitionsFor(sql: Sql, ...at: number[]): Promise<void> {
  for (const t of at) await sql`select sli_minutes_ensure_partition(${new Date(t).toISOString()}::timestamptz)`;
}

const put = (sql: Sql, sloId: string, rows: Array<[number, number, number]>) =>
  addSliCounts(
    sql,
    rows.map(([at, good, total]): SliCount => ({ sloId, at, good, total })),
  );

async function status(sql: Sql, sloId: string) {
  const [s] = await sql<
    {
      state: string;
      sli: number | null;
      good: number;
      total: number;
      consumed: number | null;
      remaining: number | null;
      remaining_minutes: number | null;
      burn_rates: Record<string, number | null>;
      firing: Array<{ rule: string; severity: string }>;
      exhaustion_at: Date | null;
      policy_tier: string | null;
      error: string | null;
      window_start: Date | null;
      window_end: Date | null;
      state_since: Date;
    }[]
  >`select * from slo_status where slo_id = ${sloId}`;
  // drizzle's postgres.js driver hands timestamps back as strings
  const d = (v: Date | string | null) => (v === null ? null : new Date(v));
  return { ...s!, exhaustion_at: d(s!.exhaustion_at), window_start: d(s!.window_start), window_end: d(s!.window_end), state_since: d(s!.state_since)! };
}

const eventsOf = (sql: Sql, sloId?: string) =>
  sql<{ type: string; payload: Record<string, unknown> }[]>`
    select type, payload from events where topic = 'slo' ${sloId ? sql`and payload->>'sloId' = ${sloId}` : sql``} order by id`;

// A fixed evaluation time: windows end at 12:00 (the minute in progress is left out).
const NOW = new Date(Date.UTC(2025, 5, 10, 12, 0, 30));
const END = Date.UTC(2025, 5, 10, 12, 0);

describe("occurrences over a rolling 30-day window", () => {
  it("computes SLI, budget, burn rates, firing rules, exhaustion and state from hand-worked counts", async () => {
    const t = await fresh();
    await partitionsFor(t.sql, END - 30 * DAY, END);
    const id = await slo(t.sql, { objective: 0.999 });
    await put(t.sql, id, [
      [END - 29 * DAY + 5 * MIN, 99_990, 100_000], // 10 bad, long ago
      [END - 50 * MIN, 950, 1_000], // 11:10 — 50 bad
      [END - 3 * MIN, 90, 100], // 11:57 — 10 bad
      [END - 31 * DAY, 0, 1_000_000], // outside the window: must not count
    ]);
    const r = await evaluateAll(t.sql, NOW);
    expect(r).toMatchObject({ evaluated: 1, errors: 0 });
    const s = await status(t.sql, id);
    // window: good 101,030 of 101,100 → bad 70
    expect(s.total).toBe(101_100);
    expect(s.good).toBe(101_030);
    expect(s.sli).toBeCloseTo(101_030 / 101_100, 12);
    // consumed = (70 / 101,100) / 0.001 = 0.692383…
    expect(s.consumed).toBeCloseTo(0.6923837784, 8);
    expect(s.remaining).toBeCloseTo(0.3076162216, 8);
    expect(s.remaining_minutes).toBeNull();
    // 5m: 10/100 bad → 0.1 / 0.001 = 100; 30m the same; 1h…3d: 60/1,100 → 54.5454…
    expect(s.burn_rates["5m"]).toBeCloseTo(100, 9);
    expect(s.burn_rates["30m"]).toBeCloseTo(100, 9);
    expect(s.burn_rates["1h"]).toBeCloseTo(54.545454545, 6);
    expect(s.burn_rates["2h"]).toBeCloseTo(54.545454545, 6);
    expect(s.burn_rates["6h"]).toBeCloseTo(54.545454545, 6);
    expect(s.burn_rates["1d"]).toBeCloseTo(54.545454545, 6);
    // 3d reaches nothing older either
    expect(s.burn_rates["3d"]).toBeCloseTo(54.545454545, 6);
    expect(s.firing.map((f) => f.rule).sort()).toEqual(["page-1h", "page-6h", "ticket-24h", "ticket-3d"]);
    expect(s.state).toBe("page");
    // exhaustion: 0.307616 × 43,200 min / 54.5454 = 243.63 min after now
    expect((s.exhaustion_at!.getTime() - NOW.getTime()) / MIN).toBeCloseTo((0.3076162216 * 43_200) / 54.545454545, 3);
    expect(s.window_start!.getTime()).toBe(END - 30 * DAY);
    expect(s.window_end!.getTime()).toBe(END);
    expect(s.error).toBeNull();
  });

  it("pages only when BOTH windows of a rule exceed 14.4 (workbook), not when only one does", async () => {
    const t = await fresh();
    await partitionsFor(t.sql, END - 30 * DAY, END);
    // A: the hour burns (50 bad of 1,100 → 1h = 45.45) but the last 5 minutes are clean with traffic (5m = 0).
    const a = await slo(t.sql, { key: "long-only" });
    await put(t.sql, a, [
      [END - 20 * DAY, 1_000_000, 1_000_000],
      [END - 50 * MIN, 950, 1_000],
      [END - 3 * MIN, 100, 100],
    ]);
    // B: the last 5 minutes burn (10 bad of 100 → 5m = 100) but the hour is dominated by good traffic (1h ≈ 0.1).
    const b = await slo(t.sql, { key: "short-only" });
    await put(t.sql, b, [
      [END - 50 * MIN, 100_000, 100_000],
      [END - 3 * MIN, 90, 100],
    ]);
    // C: both exceed 14.4 just: 1h = 15 and 5m = 15 (15 bad per 1,000 in each minute).
    const c = await slo(t.sql, { key: "both" });
    await put(t.sql, c, [
      [END - 20 * DAY, 10_000_000, 10_000_000],
      [END - 40 * MIN, 985, 1_000],
      [END - 2 * MIN, 985, 1_000],
    ]);
    // D: both windows exactly at 14.4 — "exceeds" is strict.
    const d = await slo(t.sql, { key: "exactly" });
    await put(t.sql, d, [
      [END - 20 * DAY, 10_000_000, 10_000_000],
      [END - 2 * MIN, 1_000 - 14.4, 1_000],
    ]);
    await evaluateAll(t.sql, NOW);
    const sa = await status(t.sql, a);
    expect(sa.burn_rates["1h"]).toBeCloseTo(45.4545, 3);
    expect(sa.burn_rates["5m"]).toBe(0);
    expect(sa.firing.map((f) => f.rule)).not.toContain("page-1h");
    expect(sa.firing.map((f) => f.rule)).toContain("ticket-24h"); // 2h and 24h both 45.45 > 3
    expect(sa.state).toBe("warning");
    const sb = await status(t.sql, b);
    expect(sb.burn_rates["5m"]).toBeCloseTo(100, 9);
    expect(sb.burn_rates["1h"]).toBeCloseTo(10 / 100_100 / 0.001, 9);
    expect(sb.firing).toEqual([]);
    expect(sb.state).toBe("ok");
    const sc = await status(t.sql, c);
    expect(sc.burn_rates["1h"]).toBeCloseTo(15, 9);
    expect(sc.burn_rates["5m"]).toBeCloseTo(15, 9);
    expect(sc.firing.map((f) => f.rule)).toContain("page-1h");
    expect(sc.state).toBe("page");
    const sd = await status(t.sql, d);
    expect(sd.burn_rates["5m"]).toBeCloseTo(14.4, 9);
    expect(sd.firing.map((f) => f.rule)).not.toContain("page-1h");
  });

  it("guards low traffic: no page with fewer short-window events than the minimum, unless the SLO lowers it", async () => {
    const t = await fresh();
    await partitionsFor(t.sql, END - 30 * DAY, END);
    const rows: Array<[number, number, number]> = [
      [END - 20 * DAY, 1_000_000, 1_000_000],
      [END - 2 * MIN, 0, 5], // 5 events, all bad: burn 1000 in every alert window
    ];
    const guarded = await slo(t.sql, { key: "guarded" });
    const lowered = await slo(t.sql, { key: "lowered", alerting: { minShortWindowEvents: 5, overrides: {} } });
    await put(t.sql, guarded, rows);
    await put(t.sql, lowered, rows);
    await evaluateAll(t.sql, NOW);
    const g = await status(t.sql, guarded);
    expect(g.burn_rates["5m"]).toBeCloseTo(1000, 6);
    expect(g.firing).toEqual([]);
    expect(g.state).toBe("ok");
    const l = await status(t.sql, lowered);
    expect(l.firing.map((f) => f.rule).sort()).toEqual(["page-1h", "page-6h", "ticket-24h", "ticket-3d"]);
    expect(l.state).toBe("page");
  });

  it("applies per-SLO rule overrides (threshold, disabled)", async () => {
    const t = await fresh();
    await partitionsFor(t.sql, END - 30 * DAY, END);
    const id = await slo(t.sql, { alerting: { overrides: { "page-1h": { threshold: 20 }, "page-6h": { disabled: true } } } });
    await put(t.sql, id, [
      [END - 20 * DAY, 10_000_000, 10_000_000],
      [END - 40 * MIN, 985, 1_000],
      [END - 2 * MIN, 985, 1_000],
    ]);
    await evaluateAll(t.sql, NOW);
    const s = await status(t.sql, id);
    // burn 15 < overridden 20: no page-1h; page-6h disabled; tickets fire (15 > 3, 15 > 1)
    expect(s.firing.map((f) => f.rule).sort()).toEqual(["ticket-24h", "ticket-3d"]);
    expect(s.burn_rates["30m"]).toBeUndefined(); // only page-6h needs the 30-minute window
    expect(s.burn_rates["2h"]).toBeCloseTo(15, 9);
    expect(s.state).toBe("warning");
  });

  it("zero traffic is no_data: null SLI and burn rates, never NaN or 100 %", async () => {
    const t = await fresh();
    await partitionsFor(t.sql, END - 30 * DAY, END);
    const id = await slo(t.sql);
    await evaluateAll(t.sql, NOW);
    const s = await status(t.sql, id);
    expect(s).toMatchObject({ state: "no_data", sli: null, consumed: null, remaining: null, exhaustion_at: null, good: 0, total: 0, error: null });
    expect(Object.values(s.burn_rates).every((v) => v === null)).toBe(true);
    expect(Object.keys(s.burn_rates).sort()).toEqual(["1d", "1h", "2h", "30m", "3d", "5m", "6h"]);
  });
});

describe("calendar windows", () => {
  it("a month window starts at the 1st 00:00 UTC: February's errors do not count in March, alert windows see across", async () => {
    const t = await fresh();
    const now = new Date(Date.UTC(2025, 2, 1, 0, 30, 30)); // 1 March 00:30:30
    const mar1 = Date.UTC(2025, 2, 1);
    await partitionsFor(t.sql, mar1 - DAY, mar1);
    const id = await slo(t.sql, { window: { kind: "calendar", unit: "month" }, objective: 0.99 });
    await put(t.sql, id, [
      [mar1 - 10 * MIN, 0, 100], // 28 Feb 23:50, all bad
      [mar1 + 10 * MIN, 99, 100], // 1 Mar 00:10, 1 bad
    ]);
    await evaluateAll(t.sql, now);
    const s = await status(t.sql, id);
    expect(s.window_start!.toISOString()).toBe("2025-03-01T00:00:00.000Z");
    expect(s.window_end!.toISOString()).toBe("2025-04-01T00:00:00.000Z");
    expect(s.total).toBe(100);
    expect(s.sli).toBeCloseTo(0.99, 12);
    expect(s.consumed).toBeCloseTo(1, 9); // exactly the budget: met, not breached
    expect(s.state).not.toBe("breached");
    // 1h [23:30, 00:30) includes February's minute: 101 bad of 200 → 0.505 / 0.01 = 50.5
    expect(s.burn_rates["1h"]).toBeCloseTo(50.5, 9);
  });

  it("the day before the boundary belongs to February's window", async () => {
    const t = await fresh();
    const mar1 = Date.UTC(2025, 2, 1);
    await partitionsFor(t.sql, mar1 - DAY, mar1);
    const id = await slo(t.sql, { window: { kind: "calendar", unit: "month" }, objective: 0.99 });
    await put(t.sql, id, [
      [Date.UTC(2025, 1, 1, 0, 0), 1_000, 1_000],
      [mar1 - 10 * MIN, 0, 100],
    ]);
    await evaluateAll(t.sql, new Date(mar1 - 30_000)); // 28 Feb 23:59:30
    const s = await status(t.sql, id);
    expect(s.window_start!.toISOString()).toBe("2025-02-01T00:00:00.000Z");
    expect(s.total).toBe(1_100);
    // 100 bad of 1,100 → (0.0909) / 0.01 = 9.09 → breached
    expect(s.consumed).toBeCloseTo(100 / 1_100 / 0.01, 9);
    expect(s.state).toBe("breached");
  });
});

describe("budget adjustments", () => {
  it("excluded time is taken out of the window and the alert windows", async () => {
    const t = await fresh();
    await partitionsFor(t.sql, END - 30 * DAY, END);
    const id = await slo(t.sql);
    const drill = END - 5 * DAY;
    await put(t.sql, id, [
      [END - 10 * DAY, 100_000, 100_000],
      [drill + 15 * MIN, 500, 1_000], // inside the drill
      [drill + 45 * MIN, 500, 1_000], // inside the drill
      [drill + 70 * MIN, 999, 1_000], // after the drill: counts (1 bad)
      [END - 3 * MIN, 0, 100], // recent incident, partly excluded below
      [END - 20 * MIN, 1_000, 1_000],
    ]);
    // The drill: 10:00:30 → 10:50:00 widens to whole minutes 10:00 … 10:49 (see math/adjustments.ts).
    await t.sql`insert into budget_adjustments (slo_id, start_at, end_at, reason) values
      (${id}, ${new Date(drill + 30_000).toISOString()}, ${new Date(drill + 50 * MIN).toISOString()}, 'planned failover drill'),
      (${id}, ${new Date(END - 4 * MIN).toISOString()}, ${new Date(END - 2 * MIN).toISOString()}, 'known bad deploy')`;
    await evaluateAll(t.sql, NOW);
    const s = await status(t.sql, id);
    // Counted: 100,000 + 1,000 (1 bad) + 1,000 good; both drill minutes and 11:57 are excluded.
    expect(s.total).toBe(102_000);
    expect(s.good).toBe(101_999);
    expect(s.consumed).toBeCloseTo(1 / 102_000 / 0.001, 9);
    expect(s.burn_rates["5m"]).toBeNull(); // only 11:57 in the last 5 minutes, and it is excluded
    expect(s.burn_rates["1h"]).toBe(0);
    expect(s.state).toBe("ok");
  });
});

describe("time-slice SLOs", () => {
  it("timeslices: a minute is good when good ≥ target × total; the budget is minutes of the window", async () => {
    const t = await fresh();
    await partitionsFor(t.sql, END - 2 * DAY, END);
    const id = await slo(t.sql, { window: { kind: "rolling", days: 1 }, objective: 0.99, method: "timeslices", target: 0.95 });
    const rows: Array<[number, number, number]> = [];
    // 100 minutes with data between 20 h and ~18 h ago: 10 bad (90/100), one exactly at target (95/100: good), rest 100/100.
    for (let i = 0; i < 100; i++) {
      const at = END - 20 * HOUR + i * MIN;
      rows.push([at, i < 10 ? 90 : i === 10 ? 95 : 100, 100]);
    }
    rows.push([END - 23 * HOUR - 59 * MIN, 0, 0]); // no traffic: not a slice
    await put(t.sql, id, rows);
    await evaluateAll(t.sql, NOW);
    const s = await status(t.sql, id);
    // 1-day window = 1,440 min; budget 1 % = 14.4 bad minutes; 10 spent → consumed 0.6944, 4.4 min left.
    expect(s.total).toBe(100);
    expect(s.good).toBe(90);
    expect(s.sli).toBeCloseTo(0.9, 12);
    expect(s.consumed).toBeCloseTo(10 / 14.4, 9);
    expect(s.remaining_minutes).toBeCloseTo(4.4, 9);
    expect(s.state).toBe("ok");
    // the rollups' slice columns were recounted and their dirty flags cleared
    const dirty = await t.sql<{ n: number }[]>`select count(*)::int as n from sli_hours where slo_id = ${id} and slices_dirty`;
    expect(dirty[0]!.n).toBe(0);
    // A later write into the same hour makes it dirty again and is recounted on the next cycle: 5 more bad minutes.
    await put(
      t.sql,
      id,
      Array.from({ length: 5 }, (_, i): [number, number, number] => [END - 20 * HOUR + (20 + i) * MIN, 0, 100]),
    );
    await evaluateAll(t.sql, NOW);
    const s2 = await status(t.sql, id);
    expect(s2.good).toBe(85);
    expect(s2.consumed).toBeCloseTo(15 / 14.4, 9);
    expect(s2.state).toBe("breached");
  });

  it("ratio_timeslices: each minute contributes its own ratio; edge minutes are classified the same way", async () => {
    const t = await fresh();
    await partitionsFor(t.sql, END - 2 * DAY, END);
    const id = await slo(t.sql, { window: { kind: "rolling", days: 1 }, objective: 0.9, method: "ratio_timeslices" });
    await put(t.sql, id, [
      [END - 10 * HOUR, 50, 100], // 0.5
      [END - 10 * HOUR + MIN, 100, 100], // 1
      [END - 2 * MIN, 3, 4], // 0.75, read from the minute table (edge)
    ]);
    await evaluateAll(t.sql, NOW);
    const s = await status(t.sql, id);
    expect(s.total).toBe(3);
    expect(s.good).toBeCloseTo(2.25, 12);
    expect(s.sli).toBeCloseTo(0.75, 12);
    // budget 10 % of 1,440 = 144 minutes; 0.75 bad minutes spent
    expect(s.consumed).toBeCloseTo(0.75 / 144, 9);
    // 5m: 0.25 bad of 1 slice → 0.25 / 0.1 = 2.5
    expect(s.burn_rates["5m"]).toBeCloseTo(2.5, 9);
  });
});

describe("isolation and events", () => {
  it("a broken SLO is state error with its message; the others are evaluated", async () => {
    const t = await fresh();
    await partitionsFor(t.sql, END - 30 * DAY, END);
    const good = await slo(t.sql, { key: "healthy" });
    const corrupt = await slo(t.sql, { key: "corrupt" });
    const badCounts = await slo(t.sql, { key: "bad-counts" });
    await put(t.sql, good, [[END - 2 * HOUR, 999, 1_000]]);
    await put(t.sql, badCounts, [[END - 2 * HOUR, 10, 5]]); // good > total: a broken source
    await t.sql`update slos set sli = '{"source":"carrier-pigeon"}'::jsonb where id = ${corrupt}`;
    const r = await evaluateAll(t.sql, NOW);
    expect(r).toMatchObject({ evaluated: 1, errors: 2 });
    const c = await status(t.sql, corrupt);
    expect(c.state).toBe("error");
    expect(c.error).toMatch(/Stored SLI is invalid/);
    const b = await status(t.sql, badCounts);
    expect(b.state).toBe("error");
    expect(b.error).toMatch(/Invalid SLI counts/);
    const g = await status(t.sql, good);
    expect(g.state).toBe("ok");
    expect(g.sli).toBeCloseTo(0.999, 12);
  });

  it("emits slo.breach, slo.burn and budget.policy once per change, with a budget_events row; a second cycle emits only slo.evaluated", async () => {
    const t = await fresh();
    await partitionsFor(t.sql, END - 30 * DAY, END);
    const serviceId = await service(t.sql, "checkout");
    const id = await slo(t.sql, { serviceId, objective: 0.99 });
    await t.sql`insert into error_budget_policies (name, service_id, tiers) values ('default', ${serviceId}, ${JSON.stringify([
      { name: "Notify owners", below: 0.5, action: "notify" },
      { name: "Risky changes need review", below: 0.25, action: "review" },
      { name: "Freeze deploys except fixes", below: 0, action: "freeze" },
    ])}::text::jsonb)`;
    // remaining = 1 − (bad/total)/0.01; 70 bad of 10,000 → consumed 0.7, remaining 0.3 → "Notify owners"
    await put(t.sql, id, [
      [END - 10 * DAY, 9_930, 10_000],
    ]);
    await evaluateAll(t.sql, NOW);
    let s = await status(t.sql, id);
    expect(s.remaining).toBeCloseTo(0.3, 9);
    expect(s.policy_tier).toBe("Notify owners");
    expect(s.state).toBe("ok");
    const since = s.state_since;
    let ev = await eventsOf(t.sql, id);
    expect(ev.map((e) => e.type)).toEqual(["budget.policy"]);
    expect(ev[0]!.payload).toMatchObject({ sloId: id, from: null, to: "Notify owners", cause: "remaining budget 30.0% < 50%" });
    let be = await t.sql`select from_tier, to_tier, remaining, cause from budget_events where slo_id = ${id} order by id`;
    expect(be).toHaveLength(1);
    expect(be[0]).toMatchObject({ from_tier: null, to_tier: "Notify owners", cause: "remaining budget 30.0% < 50%" });

    // Same data again: nothing new but the per-cycle slo.evaluated; state_since unchanged.
    await evaluateAll(t.sql, new Date(NOW.getTime() + 15_000));
    expect((await eventsOf(t.sql, id)).length).toBe(1);
    expect((await eventsOf(t.sql)).filter((e) => e.type === "slo.evaluated")).toHaveLength(2);
    expect((await status(t.sql, id)).state_since.getTime()).toBe(since.getTime());

    // An incident in the last hour: 300 bad of 1,000 → breached, page, frozen.
    await put(t.sql, id, [
      [END - 30 * MIN, 700, 1_000],
      [END - 2 * MIN, 70, 100],
    ]);
    await evaluateAll(t.sql, NOW);
    s = await status(t.sql, id);
    // 70 + 300 + 30 bad of 11,100 → 0.036 / 0.01 = 3.6036 consumed
    expect(s.consumed).toBeCloseTo(400 / 11_100 / 0.01, 9);
    expect(s.state).toBe("breached");
    expect(s.policy_tier).toBe("Freeze deploys except fixes");
    expect(s.state_since.getTime()).toBe(NOW.getTime());
    ev = await eventsOf(t.sql, id);
    expect(ev.map((e) => e.type)).toEqual(["budget.policy", "slo.breach", "slo.burn", "budget.policy"]);
    expect(ev[2]!.payload).toMatchObject({ from: "ok", to: "page", key: expect.any(String), name: expect.any(String) });
    expect((ev[2]!.payload.firing as unknown[]).length).toBeGreaterThan(0);
    expect(ev[3]!.payload).toMatchObject({ from: "Notify owners", to: "Freeze deploys except fixes" });
    be = await t.sql`select from_tier, to_tier, cause from budget_events where slo_id = ${id} order by id`;
    expect(be.map((b) => b.to_tier)).toEqual(["Notify owners", "Freeze deploys except fixes"]);
    expect(be[1]!.cause).toMatch(/^budget exhausted/);

    // Once more: no new events for this SLO.
    await evaluateAll(t.sql, NOW);
    expect((await eventsOf(t.sql, id)).length).toBe(4);

    // The incident is excluded by an adjustment: recovered, burn back to ok, tier back to notify.
    await t.sql`insert into budget_adjustments (slo_id, start_at, end_at, reason) values (${id}, ${new Date(END - HOUR).toISOString()}, ${new Date(END).toISOString()}, 'bad load test')`;
    await evaluateAll(t.sql, NOW);
    ev = await eventsOf(t.sql, id);
    expect(ev.slice(4).map((e) => e.type)).toEqual(["slo.recovered", "slo.burn", "budget.policy"]);
    expect(ev[5]!.payload).toMatchObject({ from: "page", to: "ok" });
  });

  it("an SLO that breaks keeps its last figures and tier (the gate stays closed) and announces nothing twice", async () => {
    const t = await fresh();
    await partitionsFor(t.sql, END - 30 * DAY, END);
    const serviceId = await service(t.sql, "fragile");
    const id = await slo(t.sql, { serviceId, objective: 0.99 });
    await t.sql`insert into error_budget_policies (name, service_id, tiers) values ('p', ${serviceId}, ${JSON.stringify([{ name: "Freeze", below: 0, action: "freeze" }])}::text::jsonb)`;
    await put(t.sql, id, [[END - HOUR, 500, 1_000]]);
    await evaluateAll(t.sql, NOW);
    const breached = await status(t.sql, id);
    expect(breached).toMatchObject({ state: "breached", policy_tier: "Freeze" });

    // The stored definition breaks: state error with the message, figures and tier as they were.
    const sli = await t.sql`select sli from slos where id = ${id}`;
    await t.sql`update slos set sli = '{"source":"carrier-pigeon"}'::jsonb where id = ${id}`;
    await evaluateAll(t.sql, NOW);
    const broken = await status(t.sql, id);
    expect(broken).toMatchObject({ state: "error", policy_tier: "Freeze", remaining: breached.remaining, consumed: breached.consumed });
    expect(broken.error).toMatch(/Stored SLI is invalid/);
    expect((await gateAnswer(t.db, "fragile")).allowed).toBe(false);

    // Mended, still breached: no second slo.breach; the burn alert did not "start" again either.
    await t.sql`update slos set sli = ${JSON.stringify(sli[0]!.sli)}::text::jsonb where id = ${id}`;
    await evaluateAll(t.sql, NOW);
    expect((await status(t.sql, id)).state).toBe("breached");
    const types = (await eventsOf(t.sql, id)).map((e) => e.type);
    expect(types.filter((x) => x === "slo.breach")).toHaveLength(1);
    expect(types.filter((x) => x === "slo.burn")).toHaveLength(1);
  });

  it("a pulled source that keeps failing puts its SLO in error instead of showing stale figures as current", async () => {
    const t = await fresh();
    const id = await slo(t.sql, { key: "stale-source" });
    await t.sql`insert into sli_source_cursors (slo_id, folded_until, last_error, last_error_at)
      values (${id}, ${new Date(END - 20 * MIN).toISOString()}::timestamptz, 'connect ECONNREFUSED 127.0.0.1:9090', now())`;
    await evaluateAll(t.sql, NOW);
    const s = await status(t.sql, id);
    expect(s.state).toBe("error");
    expect(s.error).toMatch(/SLI source failing, data only up to .*ECONNREFUSED/);
    // A failure that has not left the cursor behind yet (a blip) changes nothing.
    await t.sql`update sli_source_cursors set folded_until = ${new Date(END - MIN).toISOString()}::timestamptz where slo_id = ${id}`;
    await evaluateAll(t.sql, NOW);
    expect((await status(t.sql, id)).state).toBe("no_data");
  });

  it("a second evaluator skips while another holds the lock", async () => {
    const t = await fresh();
    await slo(t.sql);
    const conn = await t.sql.reserve();
    try {
      await conn`begin`;
      await conn`select pg_advisory_xact_lock(7242005)`;
      const r = await evaluateAll(t.sql, NOW);
      expect(r).toMatchObject({ evaluated: 0, skipped: true });
      await conn`rollback`;
    } finally {
      conn.release();
    }
    expect((await evaluateAll(t.sql, NOW)).evaluated).toBe(1);
  });
});
