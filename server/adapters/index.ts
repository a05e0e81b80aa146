import type { Probe, ProbeContext, ProbeResult } from "@/server/health/probe-types";
import { type ComponentKind, componentKinds, type KindConfig } from "@/server/health/schemas";
import { closeSharedHttpClient } from "./http-client";
import { httpProbe } from "./http";
import { patroniProbe } from "./patroni";
import { closePgClients } from "./pg-clients";
import { pgbouncerProbe } from "./pgbouncer";
import { postgresProbe } from "./postgres";
import { redisProbe } from "./redis";
import { tcpProbe } from "./tcp";
import { websocketProbe } from "./websocket";

/**
 * Push components are judged by their missing heartbeats, never probed. This
 * one exists so the table is total; a caller that runs it anyway gets a
 * failure that says why, not a made-up success.
 */
const pushProbe: Probe<KindConfig["push"]> = async () => ({
  ok: false,
  latencyMs: null,
  message: "push components are not probed: their state comes from heartbeats",
});

export const probes: { [K in ComponentKind]: Probe<KindConfig[K]> } = {
  http: httpProbe,
  tcp: tcpProbe,
  websocket: websocketProbe,
  postgres: postgresProbe,
  redis: redisProbe,
  patroni: patroniProbe,
  pgbouncer: pgbouncerProbe,
  push: pushProbe,
};

/** The kinds the scheduler runs probes for. */
export const probedKinds: readonly ComponentKind[] = componentKinds.filter((k) => k !== "push");

export function probeFor<K extends ComponentKind>(kind: K): Probe<KindConfig[K]> {
  return probes[kind] as Probe<KindConfig[K]>;
}

/**
 * Runs the probe for `kind` on a config parsed by that kind's schema (the
 * scheduler and "test now" hold both as data). Never throws, never outlives
 * `ctx.timeoutMs`: every probe guarantees both.
 */
export function runProbe(kind: ComponentKind, config: KindConfig[ComponentKind], ctx: ProbeContext): Promise<ProbeResult> {
  return (probes[kind] as Probe<KindConfig[ComponentKind]>)(config, ctx);
}

/** Closes shared connections (HTTP keep-alive agent, cached PostgreSQL/PgBouncer clients): worker shutdown. */
export async function closeProbes(): Promise<void> {
  await Promise.all([closeSharedHttpClient(), closePgClients()]);
}

export type { Probe, ProbeContext, ProbeResult };
