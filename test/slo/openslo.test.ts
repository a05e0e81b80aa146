/**
 * OpenSLO v1 import and export through the tRPC router on a real PostgreSQL:
 * fixture specs map to the expected Bulwark SLOs, export → import → export
 * keeps meaning (and bytes), unsupported fields are reported, and a file with
 * one bad document — or malformed YAML — writes nothing.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, components, events, services, slos } from "@/db/schema";
import { publicRowCounts, testDb, type TestDb } from "../db";
import { makeUser, type MadeUser } from "../factories";
import { callerFor, trpcErrorOf } from "../trpc";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => readFileSync(path.join(here, "fixtures/openslo", `${name}.yaml`), "utf8");
const COMPONENT_ID = "7b0c3f6e-1d2a-4c5b-9e8f-0a1b2c3d4e5f";

let t: TestDb;
let operator: MadeUser;
let viewer: MadeUser;

beforeAll(async () => {
  t = await testDb();
  [operator, viewer] = await Promise.all([makeUser(t.db, { role: "operator" }), makeUser(t.db, { role: "viewer" })]);
  // A component with the fixtures' fixed id (a fixture row, not the behaviour under test).
  const [svc] = await t.db.insert(services).values({ name: "checkout" }).returning();
  await t.db.insert(components).values({
    id: COMPONENT_ID,
    serviceId: svc!.id,
    name: "checkout-http",
    kind: "http",
    config: { url: "http://127.0.0.1:9/health" },
    intervalMs: 10_000,
    timeoutMs: 5_000,
    unhealthyThreshold: 3,
    healthyThreshold: 2,
    shard: 0,
  });
});
afterAll(async () => {
  await t.close();
});

const as = (u: MadeUser) => callerFor(t.db, u.actor).slo;

async function definition(key: string) {
  const [row] = await t.db.select({ slo: slos, service: services.name }).from(slos).innerJoin(services, eq(services.id, slos.serviceId)).where(eq(slos.key, key));
  if (!row) throw new Error(`no SLO ${key}`);
  const { id: _id, serviceId: _s, createdAt: _c, updatedAt: _u, ...rest } = row.slo;
  return { ...rest, service: row.service };
}

async function fieldErrorsOf(p: Promise<unknown>) {
  const err = await trpcErrorOf(p);
  return { code: err.code, message: err.message, fieldErrors: (err.cause as { fieldErrors?: Record<string, string[]> }).fieldErrors ?? {} };
}

async function expectNoWrites(run: () => Promise<unknown>) {
  const before = await publicRowCounts(t.sql);
  await run();
  expect(await publicRowCounts(t.sql)).toEqual(before);
}

describe("import: fixtures map to Bulwark SLOs", () => {
  it("probe availability, rolling 28 d, list label joined, owner from the annotation", async () => {
    const report = await as(operator).importOpenSlo({ yaml: fixture("probe-availability") });
    expect(report).toEqual({ dryRun: false, slos: [{ key: "checkout-availability", name: "Checkout availability", action: "create" }], unsupported: [] });
    expect(await definition("checkout-availability")).toMatchObject({
      name: "Checkout availability",
      description: "Checkout answers its health check.",
      owner: "payments-oncall@example.test",
      service: "checkout",
      sli: { source: "probe", componentId: COMPONENT_ID, measure: "availability" },
      objective: 0.999,
      window: { kind: "rolling", days: 28 },
      budgetingMethod: "occurrences",
      timesliceTarget: null,
      labels: { tier: "1", team: "payments,web" },
    });
  });

  it("thresholdMetric latency (op lt, value ms) → probe latency; targetPercent; calendar month", async () => {
    const report = await as(operator).importOpenSlo({ yaml: fixture("probe-latency-threshold") });
    expect(report.unsupported).toEqual([]);
    expect(await definition("checkout-latency")).toMatchObject({
      sli: { source: "probe", componentId: COMPONENT_ID, measure: "latency", thresholdMs: 300 },
      // 99.9 / 100 is 0.9990000000000001 in floating point
      objective: 0.999,
      window: { kind: "calendar", unit: "month" },
    });
  });

  it("push, Timeslices with timeSliceTarget, calendar quarter in Etc/UTC, new service created", async () => {
    await as(operator).importOpenSlo({ yaml: fixture("push-timeslices") });
    expect(await definition("ingest-freshness")).toMatchObject({
      service: "pipeline",
      sli: { source: "push" },
      objective: 0.995,
      window: { kind: "calendar", unit: "quarter" },
      budgetingMethod: "timeslices",
      timesliceTarget: 0.95,
    });
  });

  it("indicatorRef to a kind SLI with bad/total and a DataSource URL → prometheus, good = total − bad; 1w → 7 days", async () => {
    const report = await as(operator).importOpenSlo({ yaml: fixture("prometheus-ref") });
    expect(report.unsupported).toEqual([]);
    expect(await definition("api-availability")).toMatchObject({
      sli: {
        source: "prometheus",
        url: "http://prometheus.internal:9090",
        goodQuery: '(sum(increase(http_requests_total{job="api"}[1m]))) - (sum(increase(http_requests_total{job="api",code=~"5.."}[1m])))',
        totalQuery: 'sum(increase(http_requests_total{job="api"}[1m]))',
      },
      window: { kind: "rolling", days: 7 },
    });
  });

  it("reports every field it cannot model, with document and path, and imports the rest", async () => {
    const report = await as(operator).importOpenSlo({ yaml: fixture("foreign-fields") });
    expect(report.slos).toEqual([{ key: "search-availability", name: "Search availability", action: "create" }]);
    expect(report.unsupported.map((u) => [u.document, u.path])).toEqual([
      [0, ""],
      [1, "metadata.annotations.openslo.com/dashboard"],
      [1, "spec.alertPolicies"],
      [1, "spec.indicator.metadata.displayName"],
      [1, "spec.indicator.spec.description"],
      [1, "spec.indicator.spec.ratioMetric.counter"],
      [1, "spec.objectives.0.displayName"],
      [1, "spec.objectives.0.op"],
      [2, ""],
    ]);
    expect(report.unsupported.every((u) => u.note.length > 10)).toBe(true);
    expect(await definition("search-availability")).toMatchObject({ budgetingMethod: "ratio_timeslices", window: { kind: "rolling", days: 30 }, objective: 0.99 });
  });

  it("notes lte read as lt, a calendar start off the period boundary, and an SLI no SLO uses", async () => {
    const yaml = `${fixture("probe-latency-threshold")
      .replace("name: checkout-latency\n  displayName", "name: checkout-latency-lte\n  displayName")
      .replace("op: lt", "op: lte")
      .replace("startTime: 2024-01-01 00:00:00", "startTime: 2024-01-15 08:00:00")}---\napiVersion: openslo/v1\nkind: SLI\nmetadata: { name: lonely }\nspec: { ratioMetric: { good: { metricSource: { type: Bulwark, spec: { push: true } } }, total: { metricSource: { type: Bulwark, spec: { push: true } } } } }\n`;
    const report = await as(operator).importOpenSlo({ yaml, dryRun: true });
    expect(report.unsupported.map((u) => [u.document, u.path, u.note.slice(0, 30)])).toEqual([
      [0, "spec.indicator.spec.thresholdMetric", "op lte was imported as lt: Bul"],
      [0, "spec.timeWindow.0.calendar.startTime", "Bulwark calendar windows start"],
      [1, "", "SLI not referenced by any SLO'"],
    ]);
  });

  it("uses the import's service for SLOs that name none; audits the import and emits slo.created", async () => {
    const yaml = fixture("probe-availability").replace("name: checkout-availability", "name: checkout-availability-2").replace("  service: checkout\n", "");
    const report = await as(operator).importOpenSlo({ yaml, service: "storefront" });
    expect(report.slos[0]).toMatchObject({ key: "checkout-availability-2", action: "create" });
    expect((await definition("checkout-availability-2")).service).toBe("storefront");
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, "slo.import")).orderBy(auditLog.id);
    expect(audit?.details).toMatchObject({ format: "openslo/v1", created: ["checkout-availability"], updated: [] });
    const created = await t.db.select().from(events).where(eq(events.type, "slo.created"));
    expect(created.map((e) => (e.payload as { key: string }).key)).toContain("checkout-availability-2");
  });
});

describe("export and round trip", () => {
  it("export → import → export gives the same YAML and the same definitions", async () => {
    // Alerting settings travel as an annotation: set some on one SLO first.
    await t.db.update(slos).set({ alerting: { minShortWindowEvents: 25, overrides: { "page-1h": { threshold: 10 }, "ticket-3d": { disabled: true } } } }).where(eq(slos.key, "api-availability"));
    const first = await as(viewer).exportOpenSlo({});
    expect(first.count).toBe(6);
    const keys = (await t.db.select({ key: slos.key }).from(slos)).map((r) => r.key).sort();
    const before = await Promise.all(keys.map(definition));

    const report = await as(operator).importOpenSlo({ yaml: first.yaml });
    expect(report.unsupported).toEqual([]);
    expect(report.slos.map((s) => s.action)).toEqual(Array(6).fill("update"));
    const after = await Promise.all(keys.map(definition));
    expect(after).toEqual(before);
    const second = await as(viewer).exportOpenSlo({});
    expect(second.yaml).toBe(first.yaml);

    const docs = parseAllDocuments(first.yaml).map((d) => d.toJS() as { apiVersion: string; kind: string; metadata: Record<string, unknown>; spec: Record<string, unknown> });
    expect(docs.every((d) => d.apiVersion === "openslo/v1" && d.kind === "SLO")).toBe(true);
    const api = docs.find((d) => d.metadata.name === "api-availability")!;
    expect(JSON.parse((api.metadata.annotations as Record<string, string>)["bulwark.dev/alerting"]!)).toEqual({
      minShortWindowEvents: 25,
      overrides: { "page-1h": { threshold: 10 }, "ticket-3d": { disabled: true } },
    });
    const ingest = docs.find((d) => d.metadata.name === "ingest-freshness")!;
    expect(ingest.spec).toMatchObject({
      budgetingMethod: "Timeslices",
      timeWindow: [{ duration: "1Q", isRolling: false, calendar: { timeZone: "UTC" } }],
      objectives: [{ target: 0.995, timeSliceTarget: 0.95, timeSliceWindow: "1m" }],
    });
  });

  it("an export imported into another Bulwark exports the same YAML again", async () => {
    const { yaml } = await as(viewer).exportOpenSlo({});
    const other = await testDb();
    try {
      const op = await makeUser(other.db, { role: "operator" });
      const [svc] = await other.db.insert(services).values({ name: "checkout" }).returning();
      await other.db.insert(components).values({ id: COMPONENT_ID, serviceId: svc!.id, name: "checkout-http", kind: "http", config: { url: "http://127.0.0.1:9/health" }, intervalMs: 10_000, timeoutMs: 5_000, unhealthyThreshold: 3, healthyThreshold: 2, shard: 0 });
      const report = await callerFor(other.db, op.actor).slo.importOpenSlo({ yaml });
      expect(report.slos.every((s) => s.action === "create")).toBe(true);
      expect((await callerFor(other.db, op.actor).slo.exportOpenSlo({})).yaml).toBe(yaml);
    } finally {
      await other.close();
    }
  });

  it("filters by service (by name, any case) and answers NOT_FOUND for an unknown one", async () => {
    const out = await as(viewer).exportOpenSlo({ service: "CHECKOUT" });
    expect(out.count).toBe(2);
    expect(out.yaml).toContain("name: checkout-availability\n");
    expect(out.yaml).not.toContain("ingest-freshness");
    expect((await trpcErrorOf(as(viewer).exportOpenSlo({ service: "nope" }))).code).toBe("NOT_FOUND");
  });

  it("exports by id", async () => {
    const [row] = await t.db.select({ id: slos.id }).from(slos).where(eq(slos.key, "checkout-latency"));
    const out = await as(viewer).exportOpenSlo({ ids: [row!.id] });
    expect(out.count).toBe(1);
    expect(parseAllDocuments(out.yaml)[0]!.toJS()).toMatchObject({
      metadata: { name: "checkout-latency" },
      spec: { indicator: { spec: { ratioMetric: { good: { metricSource: { type: "Bulwark", spec: { componentId: COMPONENT_ID, measure: "latency", thresholdMs: 300 } } } } } } },
    });
  });
});

describe("dry run", () => {
  it("reports create or update per SLO and writes nothing", async () => {
    const yaml = `${fixture("probe-availability")}---\n${fixture("push-timeslices").replaceAll("ingest-freshness", "ingest-new")}`;
    await expectNoWrites(async () => {
      const report = await as(operator).importOpenSlo({ yaml, dryRun: true });
      expect(report).toMatchObject({ dryRun: true, slos: [{ key: "checkout-availability", action: "update" }, { key: "ingest-new", action: "create" }] });
    });
  });

  it("still catches what only the database knows (an unknown component)", async () => {
    const yaml = fixture("probe-availability").replaceAll(COMPONENT_ID, "00000000-0000-4000-8000-000000000000");
    const { code, fieldErrors } = await fieldErrorsOf(as(operator).importOpenSlo({ yaml, dryRun: true }));
    expect(code).toBe("BAD_REQUEST");
    expect(Object.keys(fieldErrors)).toEqual(["documents.0.spec.indicator.spec.ratioMetric.good.metricSource.spec.componentId"]);
  });
});

describe("bad input writes nothing", () => {
  const slo = (spec: string, meta = "  name: bad-slo\n") =>
    `apiVersion: openslo/v1\nkind: SLO\nmetadata:\n${meta}spec:\n  service: checkout\n${spec}`;
  const promIndicator = `  indicator:
    spec:
      ratioMetric:
        good:
          metricSource: { type: Prometheus, spec: { url: "http://127.0.0.1:9090", query: "sum(increase(ok[1m]))" } }
        total:
          metricSource: { type: Prometheus, spec: { url: "http://127.0.0.1:9090", query: "sum(increase(all[1m]))" } }
`;
  const rolling = "  timeWindow: [{ duration: 28d, isRolling: true }]\n";
  const occurrences = "  budgetingMethod: Occurrences\n";
  const target = "  objectives: [{ target: 0.99 }]\n";

  it("malformed YAML → BAD_REQUEST with line and column", async () => {
    await expectNoWrites(async () => {
      const { code, message, fieldErrors } = await fieldErrorsOf(as(operator).importOpenSlo({ yaml: "apiVersion: openslo/v1\nkind: SLO\nmetadata: { name: [x\nspec: {}\n" }));
      expect(code).toBe("BAD_REQUEST");
      expect(message).toMatch(/^Malformed YAML at line \d+, column \d+: /);
      expect(fieldErrors.yaml?.[0]).toMatch(/^line \d+, column \d+: /);
    });
  });

  it.each([
    ["two objectives", slo(promIndicator + rolling + occurrences + "  objectives: [{ displayName: fast, target: 0.99 }, { displayName: slow, target: 0.9 }]\n"), "documents.1.spec.objectives", /one objective; this one has 2 \(fast, slow\)/],
    ["an objective of 100 %", slo(promIndicator + rolling + occurrences + "  objectives: [{ target: 1 }]\n"), "documents.1.spec.objectives.0.target", /below 100 %/],
    ["5-minute time slices", slo(promIndicator + rolling + "  budgetingMethod: Timeslices\n  objectives: [{ target: 0.99, timeSliceTarget: 0.9, timeSliceWindow: 5m }]\n"), "documents.1.spec.objectives.0.timeSliceWindow", /one minute/],
    ["Timeslices without timeSliceTarget", slo(promIndicator + rolling + "  budgetingMethod: Timeslices\n  objectives: [{ target: 0.99, timeSliceWindow: 1m }]\n"), "documents.1.spec.objectives.0.timeSliceTarget", /per-minute target/],
    ["a non-UTC calendar", slo(promIndicator + "  timeWindow: [{ duration: 1M, calendar: { startTime: '2024-01-01 00:00:00', timeZone: America/New_York } }]\n" + occurrences + target), "documents.1.spec.timeWindow.0.calendar.timeZone", /UTC/],
    ["a rolling month", slo(promIndicator + "  timeWindow: [{ duration: 1M, isRolling: true }]\n" + occurrences + target), "documents.1.spec.timeWindow.0.duration", /whole days or weeks/],
    ["a rolling window over a year", slo(promIndicator + "  timeWindow: [{ duration: 400d, isRolling: true }]\n" + occurrences + target), "documents.1.spec.timeWindow.0.duration", /at most 366 days/],
    ["a raw ratio", slo("  indicator:\n    spec:\n      ratioMetric:\n        rawType: success\n        raw: { metricSource: { type: Prometheus, spec: { query: up } } }\n" + rolling + occurrences + target), "documents.1.spec.indicator.spec.ratioMetric.raw", /raw/],
    ["a Datadog source", slo(promIndicator.replaceAll("Prometheus", "Datadog") + rolling + occurrences + target), "documents.1.spec.indicator.spec.ratioMetric.good.metricSource.type", /Datadog.*not supported/],
    ["a Prometheus source without URL", slo(promIndicator.replaceAll('url: "http://127.0.0.1:9090", ', "") + rolling + occurrences + target), "documents.1.spec.indicator.spec.ratioMetric.good.metricSource.spec.url", /bulwark.dev\/prometheus-url/],
    ["an unknown indicatorRef", slo("  indicatorRef: missing\n" + rolling + occurrences + target), "documents.1.spec.indicatorRef", /No SLI named "missing"/],
    ["an upper-case name", slo(promIndicator + rolling + occurrences + target, "  name: Bad_SLO\n"), "documents.1.metadata.name", /lowercase/],
    ["a v1alpha document", slo(promIndicator + rolling + occurrences + target).replace("openslo/v1", "openslo/v1alpha"), "documents.1.apiVersion", /openslo\/v1/],
    ["a missing budgetingMethod", slo(promIndicator + rolling + target), "documents.1.spec.budgetingMethod", /Occurrences, Timeslices or RatioTimeslices/],
    ["a latency threshold with op gt", slo("  indicator:\n    spec:\n      thresholdMetric: { metricSource: { type: Bulwark, spec: { componentId: " + COMPONENT_ID + " } } }\n" + rolling + occurrences + "  objectives: [{ op: gt, value: 300, target: 0.99 }]\n"), "documents.1.spec.objectives.0.op", /op lt/],
    ["an invalid alerting annotation", slo(promIndicator + rolling + occurrences + target, "  name: bad-slo\n  annotations: { bulwark.dev/alerting: '{\"overrides\":{\"page-2h\":{}}}' }\n"), "documents.1.metadata.annotations.bulwark.dev/alerting", /page-2h/],
  ])("rejects %s, keyed to the field, and writes nothing — not even the valid first document", async (_what, bad, key, message) => {
    const yaml = `${fixture("probe-availability").replaceAll("checkout-availability", "good-one")}---\n${bad}`;
    await expectNoWrites(async () => {
      const { code, fieldErrors } = await fieldErrorsOf(as(operator).importOpenSlo({ yaml }));
      expect(code).toBe("BAD_REQUEST");
      expect(Object.keys(fieldErrors)).toContain(key);
      expect(fieldErrors[key]!.join(" ")).toMatch(message);
    });
  });

  it("rejects two SLOs with one name, a file without SLOs, and a non-mapping document", async () => {
    const twice = `${fixture("probe-availability")}---\n${fixture("probe-availability")}`;
    expect((await fieldErrorsOf(as(operator).importOpenSlo({ yaml: twice }))).fieldErrors["documents.1.metadata.name"]?.[0]).toMatch(/Document 0 already defines/);
    expect((await fieldErrorsOf(as(operator).importOpenSlo({ yaml: "apiVersion: openslo/v1\nkind: Service\nmetadata: { name: x }\nspec: {}\n" }))).fieldErrors.yaml).toEqual(["The YAML holds no kind: SLO document"]);
    expect(Object.keys((await fieldErrorsOf(as(operator).importOpenSlo({ yaml: "- a\n- b\n" }))).fieldErrors)).toEqual(["documents.0"]);
  });

  it("a viewer cannot import", async () => {
    expect((await trpcErrorOf(as(viewer).importOpenSlo({ yaml: fixture("probe-availability") }))).code).toBe("FORBIDDEN");
  });
});
