/**
 * Monthly SLO report on a real PostgreSQL, seeded through the one SLI writer
 * (addSliCounts) with minutes on both sides of the March 2024 boundaries, a
 * budget adjustment, and breach events in and out of the month. Figures are
 * worked by hand below; CSV and Markdown are checked to the character.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { budgetAdjustments, events, services, sliDays, slos } from "@/db/schema";
import { addSliCounts } from "@/server/slo/store/write-buckets";
import { mdText, percent, reportCsv } from "@/server/slo/report-format";
import { testDb, type TestDb } from "../db";
import { makeUser, type MadeUser } from "../factories";
import { callerFor, trpcErrorOf } from "../trpc";

let t: TestDb;
let viewer: MadeUser;
let serviceId: string;
const id: Record<string, string> = {};
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  t = await testDb();
  viewer = await makeUser(t.db, { role: "viewer" });
  for (const month of ["2024-02-15", "2024-03-15", "2024-04-15"]) await t.sql`select sli_minutes_ensure_partition(${month}::timestamptz)`;
  const [checkout, other] = await t.db.insert(services).values([{ name: "checkout" }, { name: "other" }]).returning();
  serviceId = checkout!.id;
  const window = { kind: "calendar", unit: "month" };
  const rows = await t.db
    .insert(slos)
    .values([
      { serviceId, key: "avail", name: 'Checkout "fast", EU', sli: { source: "push" }, objective: 0.99, window },
      { serviceId, key: "slices", name: "Ingest slices", sli: { source: "push" }, objective: 0.99, window, budgetingMethod: "timeslices", timesliceTarget: 0.9 },
      { serviceId, key: "zero", name: "Zero traffic", sli: { source: "push" }, objective: 0.999, window },
      { serviceId: other!.id, key: "elsewhere", name: "Other service", sli: { source: "push" }, objective: 0.99, window },
    ])
    .returning();
  for (const r of rows) id[r.key] = r.id;

  await addSliCounts(t.sql, [
    // avail (occurrences): March keeps 990/1000, 900/1000, 100/100, 1000/1000 = 2990/3100.
    { sloId: id.avail!, at: at("2024-02-29T23:59:00Z"), good: 0, total: 100 },
    { sloId: id.avail!, at: at("2024-03-01T00:00:00Z"), good: 990, total: 1000 },
    { sloId: id.avail!, at: at("2024-03-10T12:00:00Z"), good: 900, total: 1000 },
    { sloId: id.avail!, at: at("2024-03-20T10:01:00Z"), good: 0, total: 500 }, // inside the adjustment
    { sloId: id.avail!, at: at("2024-03-20T10:05:00Z"), good: 100, total: 100 },
    { sloId: id.avail!, at: at("2024-03-31T23:59:00Z"), good: 1000, total: 1000 },
    { sloId: id.avail!, at: at("2024-04-01T00:00:00Z"), good: 0, total: 1000 },
    // slices (time slices, ≥ 90 % per minute): March minutes good, bad, good (exactly 90 %), bad.
    { sloId: id.slices!, at: at("2024-02-29T23:59:00Z"), good: 0, total: 5 },
    { sloId: id.slices!, at: at("2024-03-01T00:00:00Z"), good: 10, total: 10 },
    { sloId: id.slices!, at: at("2024-03-01T00:01:00Z"), good: 8, total: 10 },
    { sloId: id.slices!, at: at("2024-03-01T00:02:00Z"), good: 9, total: 10 },
    { sloId: id.slices!, at: at("2024-03-31T23:59:00Z"), good: 1, total: 2 },
    { sloId: id.elsewhere!, at: at("2024-03-05T00:00:00Z"), good: 1, total: 1 },
  ]);
  await t.db.insert(budgetAdjustments).values([
    // 10:00:30–10:02:10 drops the minutes 10:00, 10:01 and 10:02.
    { sloId: id.avail!, startAt: at("2024-03-20T10:00:30Z"), endAt: at("2024-03-20T10:02:10Z"), reason: "planned drill" },
    // Ends exactly where March starts: does not overlap the month.
    { sloId: id.avail!, startAt: at("2024-02-29T23:00:00Z"), endAt: at("2024-03-01T00:00:00Z"), reason: "February drill" },
  ]);
  await t.db.insert(events).values([
    { type: "slo.breach", topic: "slo", payload: { sloId: id.avail }, createdAt: at("2024-03-15T08:00:00Z") },
    { type: "slo.breach", topic: "slo", payload: { sloId: id.avail }, createdAt: at("2024-04-01T00:00:00Z") },
    { type: "slo.burn", topic: "slo", payload: { sloId: id.avail }, createdAt: at("2024-03-15T08:00:00Z") },
    { type: "slo.breach", topic: "slo", payload: { sloId: id.elsewhere }, createdAt: at("2024-03-15T08:00:00Z") },
  ]);
});
afterAll(async () => {
  await t.close();
});

const api = () => callerFor(t.db, viewer.actor).slo;

describe("serviceReport", () => {
  it("hand-worked figures for March 2024, SLOs sorted by name, other services left out", async () => {
    const r = await api().report({ service: "CheckOut", month: "2024-03" });
    expect(r.service).toEqual({ id: serviceId, name: "checkout" });
    expect([r.start, r.end]).toEqual([at("2024-03-01T00:00:00Z"), at("2024-04-01T00:00:00Z")]);
    expect(r.rows.map((x) => x.key)).toEqual(["avail", "slices", "zero"]);
    const [avail, slices, zero] = r.rows;
    expect(avail).toEqual({
      sloId: id.avail,
      key: "avail",
      name: 'Checkout "fast", EU',
      objective: 0.99,
      good: 2990,
      total: 3100,
      sli: 2990 / 3100,
      met: false,
      // (1 − 2990/3100) / 0.01 = 110/31 ≈ 3.548
      consumed: expect.closeTo(110 / 31, 12),
      worstDay: { day: at("2024-03-10T00:00:00Z"), sli: 0.9 },
      adjustments: 1,
      breaches: 1,
    });
    // 4 minutes with data, 2 good; the budget is 1 % of March's 44,640 minutes = 446.4 bad minutes.
    expect(slices).toMatchObject({ good: 2, total: 4, sli: 0.5, met: false, worstDay: { day: at("2024-03-31T00:00:00Z"), sli: 0 }, adjustments: 0, breaches: 0 });
    expect(slices!.consumed).toBeCloseTo(2 / 446.4, 12);
    expect(zero).toMatchObject({ good: 0, total: 0, sli: null, met: null, consumed: null, worstDay: null });
  });

  it("still subtracts a whole-hour adjustment once the month's minute rows are gone (retention keeps only the rollups)", async () => {
    const [archive] = await t.db.insert(services).values({ name: "archive" }).returning();
    const [old] = await t.db
      .insert(slos)
      .values({ serviceId: archive!.id, key: "archived", name: "Archived", sli: { source: "push" }, objective: 0.99, window: { kind: "calendar", unit: "month" } })
      .returning();
    await addSliCounts(t.sql, [
      { sloId: old!.id, at: at("2024-04-10T05:10:00Z"), good: 0, total: 600 }, // inside the drill
      { sloId: old!.id, at: at("2024-04-10T09:00:00Z"), good: 100, total: 100 },
    ]);
    await t.db.insert(budgetAdjustments).values({ sloId: old!.id, startAt: at("2024-04-10T05:00:00Z"), endAt: at("2024-04-10T07:00:00Z"), reason: "drill" });
    await t.sql`delete from sli_minutes where slo_id = ${old!.id}`;
    const [row] = (await api().report({ service: "archive", month: "2024-04" })).rows;
    expect(row).toMatchObject({ good: 100, total: 100, sli: 1, met: true, adjustments: 1 });
  });

  it("finds the service by id; a month without data gives sli null and met null", async () => {
    const r = await api().report({ service: serviceId, month: "2024-05" });
    expect(r.rows).toHaveLength(3);
    expect(r.rows.every((x) => x.sli === null && x.met === null && x.consumed === null && x.total === 0 && x.worstDay === null)).toBe(true);
  });

  it("February counts only its own minutes, minus its own adjustment", async () => {
    const r = await api().report({ service: "checkout", month: "2024-02" });
    expect(r.rows.find((x) => x.key === "avail")).toMatchObject({ good: 0, total: 0, sli: null, adjustments: 1 });
    // avail's 23:59 minute on the 29th falls in the February drill; the slice minute there is bad (0/5).
    expect(r.rows.find((x) => x.key === "slices")).toMatchObject({ good: 0, total: 1, sli: 0, met: false });
  });

  it("uses the evaluator's time-slice counts for days it has recounted", async () => {
    // As if the evaluator had folded 31 March: 3 good minutes of 5 (not what the minutes say, to prove which is read).
    await t.db.update(sliDays).set({ sliceGood: 3, sliceTotal: 5, slicesDirty: false }).where(eq(sliDays.sloId, id.slices!));
    await t.db.update(sliDays).set({ slicesDirty: true }).where(eq(sliDays.day, at("2024-03-01T00:00:00Z")));
    const r = await api().report({ service: "checkout", month: "2024-03" });
    expect(r.rows.find((x) => x.key === "slices")).toMatchObject({ good: 2 + 3, total: 3 + 5 });
  });

  it("unknown service → NOT_FOUND (and it is not created)", async () => {
    const err = await trpcErrorOf(api().report({ service: "no-such-service", month: "2024-03" }));
    expect(err.code).toBe("NOT_FOUND");
    expect(await t.db.select().from(services).where(eq(services.name, "no-such-service"))).toEqual([]);
    expect((await trpcErrorOf(api().reportExport({ service: "no-such-service", month: "2024-03", format: "csv" }))).code).toBe("NOT_FOUND");
  });

  it("rejects a malformed month", async () => {
    expect((await trpcErrorOf(api().report({ service: "checkout", month: "2024-13" }))).code).toBe("BAD_REQUEST");
  });
});

describe("reportExport", () => {
  it("CSV: RFC 4180 quoting, 4-decimal percentages, empty cells for no data, CRLF", async () => {
    await t.db.update(sliDays).set({ slicesDirty: true }).where(eq(sliDays.sloId, id.slices!));
    const out = await api().reportExport({ service: "checkout", month: "2024-03", format: "csv" });
    expect(out.filename).toBe("slo-report-checkout-2024-03.csv");
    expect(out.mime).toBe("text/csv; charset=utf-8");
    expect(out.content).toBe(
      [
        "service,month,slo_key,slo_name,objective_pct,sli_pct,met,good,total,budget_consumed_pct,worst_day,worst_day_sli_pct,adjustments,breaches",
        'checkout,2024-03,avail,"Checkout ""fast"", EU",99.0000,96.4516,false,2990,3100,354.8387,2024-03-10,90.0000,1,1',
        "checkout,2024-03,slices,Ingest slices,99.0000,50.0000,false,2,4,0.4480,2024-03-31,0.0000,0,0",
        "checkout,2024-03,zero,Zero traffic,99.9000,,,0,0,,,,0,0",
        "",
      ].join("\r\n"),
    );
  });

  it("Markdown: heading, summary paragraph, one table row per SLO", async () => {
    const out = await api().reportExport({ service: "checkout", month: "2024-03", format: "markdown" });
    expect(out.filename).toBe("slo-report-checkout-2024-03.md");
    expect(out.mime).toBe("text/markdown; charset=utf-8");
    const lines = out.content.trimEnd().split("\n");
    expect(lines[0]).toBe("# SLO report: checkout, March 2024");
    expect(lines[1]).toBe("");
    expect(lines[2]).toMatch(/^UTC month from 2024-03-01 to 2024-04-01 \(exclusive\)\. 3 SLOs: 0 met their objective, 2 missed, 1 without data\./);
    expect(lines.slice(4)).toEqual([
      "| SLO | Objective | SLI | Met | Budget consumed | Worst day | Adjustments | Breaches |",
      "| --- | ---: | ---: | :---: | ---: | --- | ---: | ---: |",
      '| Checkout "fast", EU (avail) | 99 % | 96.452 % | **no** | 354.839 % | 2024-03-10 (90 %) | 1 | 1 |',
      "| Ingest slices (slices) | 99 % | 50 % | **no** | 0.448 % | 2024-03-31 (0 %) | 0 | 0 |",
      "| Zero traffic (zero) | 99.9 % | no data | – | – | – | 0 | 0 |",
    ]);
  });
});

describe("formatting helpers", () => {
  it("never shows 100 % for less, escapes table syntax, and defuses spreadsheet formulas", () => {
    expect(percent(0.999996)).toBe("99.9996 %");
    expect(percent(1)).toBe("100 %");
    expect(mdText("a|b\n<script>_x_")).toBe("a\\|b &lt;script&gt;\\_x\\_");
    const csv = reportCsv({
      service: { id: "x", name: "=cmd" },
      month: "2024-03",
      start: at("2024-03-01T00:00:00Z"),
      end: at("2024-04-01T00:00:00Z"),
      rows: [{ sloId: "s", key: "k", name: "line\nbreak", objective: 0.5, good: 1.5, total: 3, sli: 0.5, met: true, consumed: 1, worstDay: null, adjustments: 0, breaches: 0 }],
    });
    expect(csv.split("\r\n")[1]).toBe(`'=cmd,2024-03,k,"line\nbreak",50.0000,50.0000,true,1.5000,3,100.0000,,,0,0`);
  });
});
