/**
 * Prometheus rules export: the YAML parses, recording rules cover exactly the
 * alert windows in use, and thresholds match the workbook by hand — 30 days at
 * 99.9 %: 14.4 / 6 / 3 / 1 × 0.001; 7 days: 3.36 / 1.4 / 0.7 / 0.2333… —
 * with per-SLO overrides applied. No Prometheus runs here, so the rules are
 * checked as text and YAML, not evaluated.
 */
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { services, slos } from "@/db/schema";
import { buildPrometheusRules, errorRatioExpr } from "@/server/slo/prometheus-rules";
import { testDb, type TestDb } from "../db";
import { makeUser, type MadeUser } from "../factories";
import { callerFor, trpcErrorOf } from "../trpc";

type Rules = { groups: Array<{ name: string; rules: Array<{ record?: string; alert?: string; expr: string; labels: Record<string, string>; annotations?: Record<string, string> }> }> };

const GOOD = 'sum(increase(http_requests_total{job="api",code!~"5.."}[1m]))';
const TOTAL = 'sum(increase(http_requests_total{job="api"}[1m]))';

const base = {
  key: "api-availability",
  name: "API availability",
  serviceName: "api",
  objective: 0.999,
  window: { kind: "rolling" as const, days: 30 },
  budgetingMethod: "occurrences" as const,
  timesliceTarget: null,
  alerting: { overrides: {} },
  sli: { source: "prometheus" as const, url: "http://127.0.0.1:9090", goodQuery: GOOD, totalQuery: TOTAL },
};

const rulesOf = (yaml: string) => parse(yaml) as Rules;
const alerts = (r: Rules) => r.groups.find((g) => g.name.endsWith("-alerts"))!.rules;
const records = (r: Rules) => r.groups.find((g) => g.name.endsWith("-sli"))!.rules;
const expr = (long: string, short: string, bound: string) =>
  `slo:sli_error:ratio_rate${long}{slo="api-availability"} > ${bound} and slo:sli_error:ratio_rate${short}{slo="api-availability"} > ${bound}`;

describe("buildPrometheusRules", () => {
  it("30 days at 99.9 %: the workbook table, one recording rule per window in use", () => {
    const out = buildPrometheusRules(base);
    expect(out.filename).toBe("slo-api-availability.rules.yaml");
    const r = rulesOf(out.yaml);
    expect(r.groups.map((g) => g.name)).toEqual(["slo-api-availability-sli", "slo-api-availability-alerts"]);
    expect(records(r).map((x) => x.record)).toEqual(["5m", "30m", "1h", "2h", "6h", "1d", "3d"].map((w) => `slo:sli_error:ratio_rate${w}`));
    expect(records(r).every((x) => x.labels.slo === "api-availability")).toBe(true);
    expect(records(r)[2]!.expr).toBe(
      '1 - ((sum(increase(http_requests_total{job="api",code!~"5.."}[1h]))) / (sum(increase(http_requests_total{job="api"}[1h]))))',
    );
    expect(alerts(r).map((a) => [a.labels.burn_rule, a.labels.severity, a.expr])).toEqual([
      ["page-1h", "page", expr("1h", "5m", "(14.4 * 0.001)")],
      ["page-6h", "page", expr("6h", "30m", "(6 * 0.001)")],
      ["ticket-24h", "ticket", expr("1d", "2h", "(3 * 0.001)")],
      ["ticket-3d", "ticket", expr("3d", "6h", "(1 * 0.001)")],
    ]);
    expect(alerts(r)[0]).toMatchObject({ alert: "SLOErrorBudgetBurn", labels: { slo: "api-availability", service: "api" } });
    // 14.4 × 1 h of 720 h spends 2 % of the budget.
    expect(alerts(r)[0]!.annotations!.description).toContain("2 % of the budget goes in 1h");
    expect(out.yaml.startsWith("# Prometheus rules for the SLO")).toBe(true);
  });

  it("7 days: thresholds scale with the window (3.36, 1.4, 0.7, 0.2333…) at 99.5 %", () => {
    const r = rulesOf(buildPrometheusRules({ ...base, objective: 0.995, window: { kind: "rolling", days: 7 } }).yaml);
    expect(alerts(r).map((a) => a.expr)).toEqual([
      expr("1h", "5m", "(3.36 * 0.005)"),
      expr("6h", "30m", "(1.4 * 0.005)"),
      expr("1d", "2h", "(0.7 * 0.005)"),
      expr("3d", "6h", "(0.233333333333 * 0.005)"),
    ]);
  });

  it("applies overrides (threshold, disabled) and drops windows no rule needs", () => {
    const r = rulesOf(buildPrometheusRules({ ...base, alerting: { overrides: { "page-1h": { threshold: 10 }, "ticket-3d": { disabled: true }, "page-6h": { budgetFraction: 0.1 } } } }).yaml);
    expect(alerts(r).map((a) => a.expr)).toEqual([expr("1h", "5m", "(10 * 0.001)"), expr("6h", "30m", "(12 * 0.001)"), expr("1d", "2h", "(3 * 0.001)")]);
    expect(records(r).map((x) => x.record!.replace("slo:sli_error:ratio_rate", ""))).toEqual(["5m", "30m", "1h", "2h", "6h", "1d"]);
  });

  it("a 2-day window drops the 3-day rule; a calendar month scales as 30 days, a quarter as 90", () => {
    expect(alerts(rulesOf(buildPrometheusRules({ ...base, window: { kind: "rolling", days: 2 } }).yaml)).map((a) => a.labels.burn_rule)).toEqual(["page-1h", "page-6h", "ticket-24h"]);
    expect(alerts(rulesOf(buildPrometheusRules({ ...base, window: { kind: "calendar", unit: "month" } }).yaml))[0]!.expr).toBe(expr("1h", "5m", "(14.4 * 0.001)"));
    expect(alerts(rulesOf(buildPrometheusRules({ ...base, window: { kind: "calendar", unit: "quarter" } }).yaml))[0]!.expr).toBe(expr("1h", "5m", "(43.2 * 0.001)"));
  });

  it("a query without [1m] is summed per minute with a subquery, and the header says so", () => {
    const out = buildPrometheusRules({ ...base, sli: { ...base.sli, totalQuery: 'sum(rate(http_requests_total{job="api"}[5m])) * 60' } });
    expect(records(rulesOf(out.yaml))[0]!.expr).toBe(
      '1 - ((sum(increase(http_requests_total{job="api",code!~"5.."}[5m]))) / (sum_over_time((sum(rate(http_requests_total{job="api"}[5m])) * 60)[5m:1m])))',
    );
    expect(out.yaml).toMatch(/^# WARNING: totalQuery has no \[1m\] range to widen/m);
    expect(out.yaml).not.toMatch(/WARNING: goodQuery/);
  });

  it("time-slice methods average per-minute results over the window, minutes without data left out", () => {
    const ts = { ...base, budgetingMethod: "timeslices" as const, timesliceTarget: 0.95 };
    expect(errorRatioExpr(ts, "1h")).toBe(`1 - avg_over_time((((${GOOD}) / ((${TOTAL}) > 0)) >= bool 0.95)[1h:1m])`);
    expect(errorRatioExpr({ ...ts, budgetingMethod: "ratio_timeslices" }, "6h")).toBe(`1 - avg_over_time(((${GOOD}) / ((${TOTAL}) > 0))[6h:1m])`);
  });

  it("refuses SLIs that are not Prometheus", () => {
    expect(() => buildPrometheusRules({ ...base, sli: { source: "push" } })).toThrow("Only Prometheus SLIs can be exported as rules");
  });
});

describe("slo.prometheusRules through the router", () => {
  let t: TestDb;
  let viewer: MadeUser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await testDb();
    viewer = await makeUser(t.db, { role: "viewer" });
    const [svc] = await t.db.insert(services).values({ name: "api" }).returning();
    const rows = await t.db
      .insert(slos)
      .values([
        { serviceId: svc!.id, key: "api-availability", name: "API availability", sli: base.sli, objective: 0.999, window: base.window, alerting: { overrides: {} } },
        { serviceId: svc!.id, key: "api-push", name: "API pushed", sli: { source: "push" }, objective: 0.99, window: base.window, alerting: { overrides: {} } },
      ])
      .returning();
    for (const r of rows) ids[r.key] = r.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it("returns the rules of a stored Prometheus SLO", async () => {
    const out = await callerFor(t.db, viewer.actor).slo.prometheusRules({ id: ids["api-availability"]! });
    expect(out.filename).toBe("slo-api-availability.rules.yaml");
    expect(alerts(rulesOf(out.yaml))).toHaveLength(4);
  });

  it("BAD_REQUEST for a push SLO, NOT_FOUND for an unknown id", async () => {
    const bad = await trpcErrorOf(callerFor(t.db, viewer.actor).slo.prometheusRules({ id: ids["api-push"]! }));
    expect([bad.code, bad.message]).toEqual(["BAD_REQUEST", "Only Prometheus SLIs can be exported as rules"]);
    expect((await trpcErrorOf(callerFor(t.db, viewer.actor).slo.prometheusRules({ id: "00000000-0000-4000-8000-000000000000" }))).code).toBe("NOT_FOUND");
  });
});
