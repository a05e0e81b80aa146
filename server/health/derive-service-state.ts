import type { HealthState } from "./schemas";

export const SERVICE_STATE_RULE =
  "A service is unhealthy if any component is unhealthy, else degraded if any is degraded, else healthy if any is healthy; paused and maintenance components don't count.";

export function emptyCounts(): Record<HealthState, number> {
  return { healthy: 0, degraded: 0, unhealthy: 0, unknown: 0, paused: 0, maintenance: 0 };
}

export function deriveServiceState(counts: Record<HealthState, number>): HealthState {
  if (counts.unhealthy > 0) return "unhealthy";
  if (counts.degraded > 0) return "degraded";
  if (counts.healthy > 0) return "healthy";
  if (counts.unknown > 0) return "unknown";
  if (counts.maintenance > 0) return "maintenance";
  if (counts.paused > 0) return "paused";
  return "unknown";
}
