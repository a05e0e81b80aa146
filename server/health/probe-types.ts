/**
 * What every probe returns. `ok: false` counts towards the unhealthy
 * threshold; `warning` on a successful check (lag over its limit, a TLS
 * certificate about to expire) makes the component degraded. Probes never
 * throw: a target that answers garbage or hangs is an unhealthy result with a
 * readable message.
 */
export type ProbeResult = {
  ok: boolean;
  latencyMs: number | null;
  message: string;
  warning?: string | null;
  /** kind-specific facts shown on the component page (role, lag, pool use, …) */
  details?: Record<string, unknown>;
};

export type ProbeContext = { signal: AbortSignal; timeoutMs: number };

export type Probe<C> = (config: C, ctx: ProbeContext) => Promise<ProbeResult>;
