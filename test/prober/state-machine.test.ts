/**
 * The threshold state machine (pure): table tests of every state and the
 * events it implies.
 */
import { describe, expect, it } from "vitest";
import type { ProbeResult } from "@/server/health/probe-types";
import { applyPause, applyResult, degradationEvent, healthFromStored, type Status, type Thresholds, unknownStatus } from "@/server/health/state-machine";

const t: Thresholds = { unhealthyThreshold: 3, healthyThreshold: 2, degradedLatencyMs: 500 };
const ok = (latencyMs = 10, warning: string | null = null): ProbeResult => ({ ok: true, latencyMs, message: "status 200 OK", warning });
const fail = (message = "connection refused"): ProbeResult => ({ ok: false, latencyMs: 3, message });

/** Feeds results in order; returns the state after each and every transition. */
function run(results: (ProbeResult | "maint-on" | "maint-off")[], start: Status = unknownStatus(), th = t) {
  let s = start;
  let maint = false;
  const states: string[] = [];
  const transitions: string[] = [];
  const changed: boolean[] = [];
  let at = 1_000;
  for (const r of results) {
    if (r === "maint-on" || r === "maint-off") {
      maint = r === "maint-on";
      continue;
    }
    const out = applyResult(s, th, r, { at: (at += 1_000), inMaintenance: maint });
    s = out.status;
    states.push(s.state);
    changed.push(out.changed);
    if (out.transition) transitions.push(`${out.transition.from}>${out.transition.to}`);
  }
  return { states, transitions, changed, status: s };
}

describe("applyResult", () => {
  it.each([
    ["unknown: the first success is healthy at once", [ok()], ["healthy"], ["unknown>healthy"]],
    ["unknown: failures below the threshold stay unknown, at the threshold unhealthy", [fail(), fail(), fail()], ["unknown", "unknown", "unhealthy"], ["unknown>unhealthy"]],
    ["healthy: failures below the threshold keep it healthy", [ok(), fail(), fail(), ok()], ["healthy", "healthy", "healthy", "healthy"], ["unknown>healthy"]],
    ["healthy → unhealthy after 3 consecutive failures", [ok(), fail(), fail(), fail()], ["healthy", "healthy", "healthy", "unhealthy"], ["unknown>healthy", "healthy>unhealthy"]],
    ["a success in between resets the failure count", [ok(), fail(), fail(), ok(), fail(), fail()], ["healthy", "healthy", "healthy", "healthy", "healthy", "healthy"], ["unknown>healthy"]],
    ["unhealthy recovers only after 2 consecutive successes", [fail(), fail(), fail(), ok(), fail(), ok(), ok()], ["unknown", "unknown", "unhealthy", "unhealthy", "unhealthy", "unhealthy", "healthy"], ["unknown>unhealthy", "unhealthy>healthy"]],
    ["slow is degraded, fast again is healthy", [ok(10), ok(900), ok(900), ok(20)], ["healthy", "degraded", "degraded", "healthy"], ["unknown>healthy", "healthy>degraded", "degraded>healthy"]],
    ["a warning is degraded", [ok(10), ok(10, "replay lag 45 s over 30 s")], ["healthy", "degraded"], ["unknown>healthy", "healthy>degraded"]],
    ["a slow first check is degraded at once", [ok(900)], ["degraded"], ["unknown>degraded"]],
    ["degraded → unhealthy at the threshold", [ok(900), fail(), fail(), fail()], ["degraded", "degraded", "degraded", "unhealthy"], ["unknown>degraded", "degraded>unhealthy"]],
    ["recovering while slow lands on degraded", [fail(), fail(), fail(), ok(900), ok(900)], ["unknown", "unknown", "unhealthy", "unhealthy", "degraded"], ["unknown>unhealthy", "unhealthy>degraded"]],
  ] as const)("%s", (_name, results, states, transitions) => {
    const r = run([...results]);
    expect(r.states).toEqual(states);
    expect(r.transitions).toEqual(transitions);
  });

  it("never degrades on latency when degradedLatencyMs is null", () => {
    expect(run([ok(10), ok(60_000)], unknownStatus(), { ...t, degradedLatencyMs: null }).states).toEqual(["healthy", "healthy"]);
  });

  it("maintenance: shows maintenance, counts on underneath, and shows the real state when it ends", () => {
    const r = run([ok(), "maint-on", fail(), fail(), fail(), fail(), "maint-off", fail()]);
    expect(r.states).toEqual(["healthy", "maintenance", "maintenance", "maintenance", "maintenance", "unhealthy"]);
    expect(r.transitions).toEqual(["unknown>healthy", "healthy>maintenance", "maintenance>unhealthy"]);
    expect(r.status.consecutiveFailures).toBe(5);
  });

  it("maintenance ending on a healthy component returns to healthy with its own cause", () => {
    let s = applyResult(unknownStatus(), t, ok(), { at: 1, inMaintenance: false }).status;
    s = applyResult(s, t, ok(), { at: 2, inMaintenance: true }).status;
    const out = applyResult(s, t, ok(), { at: 3, inMaintenance: false });
    expect(out.transition).toMatchObject({ from: "maintenance", to: "healthy", cause: "maintenance window ended" });
  });

  it("the transition carries the failing check's message and a readable cause", () => {
    const r = [fail("timed out after 5000 ms"), fail("timed out after 5000 ms"), fail("connection refused")];
    let s = unknownStatus();
    let last = null;
    for (const x of r) {
      const out = applyResult(s, t, x, { at: 5, inMaintenance: false });
      s = out.status;
      last = out.transition ?? last;
    }
    expect(last).toEqual({ from: "unknown", to: "unhealthy", cause: "3 consecutive failures", message: "connection refused" });
  });

  it("changes anything: ok flipped, state changed, or a new message while failing — not a repeat", () => {
    const r = run([ok(), ok(), fail("a"), fail("a"), fail("b"), fail("b"), ok(), ok()]);
    expect(r.states).toEqual(["healthy", "healthy", "healthy", "healthy", "unhealthy", "unhealthy", "unhealthy", "healthy"]);
    expect(r.changed).toEqual([true, false, true, false, true, false, true, true]);
  });

  it("stateSince moves only when the state changes", () => {
    const a = applyResult(unknownStatus(0), t, ok(), { at: 100, inMaintenance: false }).status;
    const b = applyResult(a, t, ok(), { at: 200, inMaintenance: false }).status;
    expect([a.stateSince, b.stateSince]).toEqual([100, 100]);
  });
});

describe("pause and stored state", () => {
  it("pausing shows paused; resuming shows unknown and starts counting afresh", () => {
    const healthy = run([ok()]).status;
    const paused = applyPause(healthy, true, 10);
    expect(paused.transition).toMatchObject({ from: "healthy", to: "paused" });
    expect(applyPause(paused.status, true, 11).transition).toBeNull();
    const resumed = applyPause(paused.status, false, 20);
    expect(resumed.status).toMatchObject({ state: "unknown", health: "unknown", consecutiveFailures: 0 });
    expect(applyResult(resumed.status, t, ok(), { at: 30, inMaintenance: false }).transition).toMatchObject({ from: "unknown", to: "healthy" });
  });

  it("a new owner rebuilds the underlying health from a stored row", () => {
    expect(healthFromStored("degraded", 0, t)).toBe("degraded");
    expect(healthFromStored("maintenance", 3, t)).toBe("unhealthy");
    expect(healthFromStored("maintenance", 1, t)).toBe("unknown");
    expect(healthFromStored("paused", 0, t)).toBe("unknown");
  });
});

describe("degradationEvent", () => {
  it.each([
    ["healthy", "degraded", "degradation.entered"],
    ["unknown", "unhealthy", "degradation.entered"],
    ["maintenance", "unhealthy", "degradation.entered"],
    ["degraded", "unhealthy", null],
    ["unhealthy", "degraded", null],
    ["unhealthy", "healthy", "degradation.recovered"],
    ["degraded", "healthy", "degradation.recovered"],
    ["unhealthy", "maintenance", "degradation.recovered"],
    ["unhealthy", "paused", "degradation.recovered"],
    ["healthy", "maintenance", null],
  ] as const)("%s → %s: %s", (from, to, expected) => {
    expect(degradationEvent({ from, to, cause: "", message: null })).toBe(expected);
  });
});
