import { describe, expect, it } from "vitest";
import { applySignals, removeComponent, shareOverview } from "@/components/health/derive";
import { formatRatio, secondsToMs } from "@/components/health/format";
import { parseHeaders, parseStatuses, parseTags } from "@/components/health/form-fields";
import type { ComponentRow, HealthOverview } from "@/components/health/types";
import { compareRows } from "@/components/health/use-health-filters";
import { emptyCounts } from "@/server/health/derive-service-state";

function row(id: string, state: ComponentRow["state"], serviceId = "s1", extra: Partial<ComponentRow> = {}): ComponentRow {
  return {
    id,
    name: id,
    kind: "http",
    serviceId,
    serviceName: serviceId,
    tags: [],
    paused: false,
    intervalMs: 10_000,
    state,
    stateSince: new Date(0),
    lastCheckedAt: null,
    lastOk: null,
    lastLatencyMs: null,
    lastMessage: null,
    target: `http://${id}/health`,
    ...extra,
  };
}

function overview(components: ComponentRow[]): HealthOverview {
  const counts = emptyCounts();
  for (const c of components) counts[c.state]++;
  return { counts, rule: "", services: [{ id: "s1", name: "one", description: "", state: "unknown", counts: emptyCounts() }, { id: "s2", name: "two", description: "", state: "unknown", counts: emptyCounts() }], components } as HealthOverview;
}

describe("live patches of the fleet", () => {
  it("replaces only the signalled row and recounts fleet and services", () => {
    const a = row("a", "healthy");
    const b = row("b", "healthy", "s2");
    const at = new Date(5000);
    const { next, missing, stateChanges } = applySignals(overview([a, b]), new Map([["b", { componentId: "b", state: "unhealthy" as const, ok: false, latencyMs: null, message: "refused", at }]]));
    expect(missing).toEqual([]);
    expect(stateChanges).toBe(1);
    expect(next.components[0]).toBe(a);
    expect(next.components[1]).toMatchObject({ state: "unhealthy", lastOk: false, lastMessage: "refused", stateSince: at, lastCheckedAt: at });
    expect(next.counts).toMatchObject({ healthy: 1, unhealthy: 1 });
    expect(next.services.find((s) => s.id === "s2")?.state).toBe("unhealthy");
    expect(next.services.find((s) => s.id === "s1")?.state).toBe("healthy");
  });

  it("reports components it does not know, and leaves the overview alone", () => {
    const o = overview([row("a", "healthy")]);
    const r = applySignals(o, new Map([["x", { componentId: "x", state: "degraded" as const }]]));
    expect(r.missing).toEqual(["x"]);
    expect(r.next).toBe(o);
  });

  it("removes a deleted component from the counts", () => {
    const o = removeComponent(overview([row("a", "unhealthy"), row("b", "healthy")]), "a");
    expect(o.components.map((c) => c.id)).toEqual(["b"]);
    expect(o.counts.unhealthy).toBe(0);
  });

  it("keeps unchanged rows' identity across a refetch (dates compared by value)", () => {
    const prev = overview([row("a", "healthy", "s1", { lastCheckedAt: new Date(1) }), row("b", "healthy")]);
    const next = overview([row("a", "healthy", "s1", { lastCheckedAt: new Date(1) }), row("b", "degraded")]);
    const shared = shareOverview(prev, next) as HealthOverview;
    expect(shared.components[0]).toBe(prev.components[0]);
    expect(shared.components[1]).toBe(next.components[1]);
  });
});

describe("sorting and form parsing", () => {
  it("sorts worst first, then by name with numbers in order", () => {
    const rows = [row("api 10", "healthy"), row("api 9", "healthy"), row("db", "unhealthy")];
    expect(rows.sort(compareRows("state")).map((r) => r.id)).toEqual(["db", "api 9", "api 10"]);
  });

  it("expands status ranges and flags junk for the schema", () => {
    expect(parseStatuses("200-202, 301")).toEqual([200, 201, 202, 301]);
    expect(parseStatuses("2xx").every(Number.isNaN)).toBe(true);
  });

  it("reads headers, tags and seconds", () => {
    expect(parseHeaders("Authorization: Bearer a:b\n\nX-Env: prod")).toEqual({ Authorization: "Bearer a:b", "X-Env": "prod" });
    expect(parseTags("prod, eu-west prod")).toEqual(["prod", "eu-west"]);
    expect(secondsToMs("1.5")).toBe(1500);
    expect(secondsToMs("")).toBeUndefined();
    expect(secondsToMs("abc")).toBeNaN();
  });

  it("never rounds an uptime up to 100%", () => {
    expect(formatRatio(0.99999)).toBe("99.999%");
    expect(formatRatio(1)).toBe("100%");
    expect(formatRatio(null)).toBe("—");
  });
});
