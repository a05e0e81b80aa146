import type { ComponentInput } from "@/server/health/schemas";
import type { ComponentDetail } from "./types";

/**
 * A saved component as the form and "Test now" take it. Secrets arrive
 * redacted ("••••••"); sent back with the component's id, the server keeps or
 * uses the stored value.
 */
export function detailToInput(d: ComponentDetail): ComponentInput {
  return {
    kind: d.kind,
    // The server validated this config against the kind's schema when it was saved.
    config: d.config,
    name: d.name,
    service: d.serviceName,
    intervalMs: d.intervalMs,
    timeoutMs: d.timeoutMs,
    unhealthyThreshold: d.unhealthyThreshold,
    healthyThreshold: d.healthyThreshold,
    degradedLatencyMs: d.degradedLatencyMs,
    tags: d.tags,
  } as ComponentInput;
}
