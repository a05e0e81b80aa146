import type { HealthState } from "./schemas";
import type { ProbeResult } from "./probe-types";

/**
 * The threshold state machine, pure: previous status + component thresholds +
 * one check result (+ whether the component is in a maintenance window) → the
 * next status, the transition if the state changed, and whether the result
 * "changes anything" a live view shows (then a `health.signal` is due).
 *
 *  - unknown: never checked. The first success is healthy at once; failures
 *    make it unhealthy once they reach the unhealthy threshold.
 *  - healthy / degraded: a success is healthy, or degraded when slower than
 *    `degradedLatencyMs` or carrying a warning. Failures below the threshold
 *    leave the state as it is; at the threshold it is unhealthy.
 *  - unhealthy: stays so until `healthyThreshold` consecutive successes.
 *  - maintenance: checks go on and counters move, but the state shown is
 *    maintenance; the underlying state is kept (`health`) and shown again
 *    when the window ends.
 *  - paused: not checked; shown as paused. Resuming shows unknown until the
 *    next check.
 */
export type Health = "healthy" | "degraded" | "unhealthy" | "unknown";

export type Status = {
  /** what is shown (and stored in component_status.state) */
  state: HealthState;
  /** the state the checks alone say, whatever maintenance or pause shows */
  health: Health;
  /** when `state` last changed (epoch ms) */
  stateSince: number;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  lastOk: boolean | null;
  lastMessage: string | null;
};

export type Thresholds = {
  unhealthyThreshold: number;
  healthyThreshold: number;
  degradedLatencyMs: number | null;
};

export type Transition = { from: HealthState; to: HealthState; cause: string; message: string | null };

export type Outcome = { status: Status; transition: Transition | null; changed: boolean };

export const unknownStatus = (since = 0): Status => ({
  state: "unknown",
  health: "unknown",
  stateSince: since,
  consecutiveFailures: 0,
  consecutiveSuccesses: 0,
  lastOk: null,
  lastMessage: null,
});

/**
 * Rebuilds the underlying health from a stored row (a new shard owner has
 * only component_status). While maintenance or pause is shown, the
 * underlying state is not stored; the counters say whether it was unhealthy.
 */
export function healthFromStored(state: HealthState, consecutiveFailures: number, t: Thresholds): Health {
  if (state === "healthy" || state === "degraded" || state === "unhealthy" || state === "unknown") return state;
  return consecutiveFailures >= t.unhealthyThreshold ? "unhealthy" : "unknown";
}

const isBad = (s: HealthState) => s === "degraded" || s === "unhealthy";

/** Degradation events pair up: entered when a component becomes degraded or unhealthy, recovered when it stops being either. */
export function degradationEvent(t: Transition): "degradation.entered" | "degradation.recovered" | null {
  if (isBad(t.to) && !isBad(t.from)) return "degradation.entered";
  if (isBad(t.from) && !isBad(t.to)) return "degradation.recovered";
  return null;
}

function slowness(result: ProbeResult, t: Thresholds): string | null {
  if (result.warning) return `warning: ${result.warning}`;
  if (t.degradedLatencyMs != null && result.latencyMs != null && result.latencyMs > t.degradedLatencyMs) {
    return `latency ${Math.round(result.latencyMs)} ms over ${t.degradedLatencyMs} ms`;
  }
  return null;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function applyResult(prev: Status, t: Thresholds, result: ProbeResult, opts: { at: number; inMaintenance: boolean }): Outcome {
  const ok = result.ok;
  const failures = ok ? 0 : prev.consecutiveFailures + 1;
  const successes = ok ? prev.consecutiveSuccesses + 1 : 0;
  let health: Health = prev.health;
  let cause = "";
  if (!ok) {
    if (failures >= t.unhealthyThreshold && health !== "unhealthy") {
      health = "unhealthy";
      cause = failures === 1 ? "check failed" : `${plural(failures, "consecutive failure")}`;
    }
  } else {
    const slow = slowness(result, t);
    const next: Health = slow ? "degraded" : "healthy";
    if (health === "unhealthy") {
      if (successes >= t.healthyThreshold) {
        health = next;
        cause = slow ?? `recovered after ${plural(successes, "successful check")}`;
      }
    } else if (health !== next) {
      cause = health === "unknown" ? (slow ?? "first successful check") : (slow ?? (health === "degraded" ? "no longer slow" : "check succeeded"));
      health = next;
    }
  }

  let state: HealthState = health;
  if (opts.inMaintenance) {
    state = "maintenance";
    if (prev.state !== "maintenance") cause = "maintenance window started";
  } else if (prev.state === "maintenance") {
    cause = cause || "maintenance window ended";
  } else if (prev.state === "paused") {
    cause = cause || "resumed";
  }

  const message = result.message || null;
  const stateChanged = state !== prev.state;
  const transition: Transition | null = stateChanged
    ? { from: prev.state, to: state, cause: cause || `now ${state}`, message: ok ? (result.warning ?? message) : message }
    : null;
  const changed = stateChanged || prev.lastOk !== ok || (!ok && prev.lastMessage !== message);
  return {
    status: {
      state,
      health,
      stateSince: stateChanged ? opts.at : prev.stateSince,
      consecutiveFailures: failures,
      consecutiveSuccesses: successes,
      lastOk: ok,
      lastMessage: message,
    },
    transition,
    changed,
  };
}

/** Pausing shows paused (nothing is checked); resuming shows unknown until the next check decides. */
export function applyPause(prev: Status, paused: boolean, at: number): Outcome {
  if (paused === (prev.state === "paused")) return { status: prev, transition: null, changed: false };
  const state: HealthState = paused ? "paused" : "unknown";
  return {
    status: { ...prev, state, health: paused ? prev.health : "unknown", stateSince: at, consecutiveFailures: 0, consecutiveSuccesses: 0 },
    transition: { from: prev.state, to: state, cause: paused ? "paused" : "resumed", message: null },
    changed: true,
  };
}
