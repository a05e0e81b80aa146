import { z } from "zod";
import { unseal } from "@/server/crypto/secrets";
import type { Probe, ProbeResult } from "@/server/health/probe-types";
import type { KindConfig } from "@/server/health/schemas";
import { elapsedMs, failure, withDeadline } from "./deadline";
import { USER_AGENT } from "./http";
import { readCapped, sharedHttpClient } from "./http-client";

type PatroniConfig = KindConfig["patroni"];

/**
 * patroni: GET {url}/cluster (Patroni's own view of every member, as
 * `patronictl list` shows it) on the shared keep-alive agent, with basic auth
 * when configured. Unhealthy without a leader or with a member that is not
 * running; a warning for a member lagging past maxLagBytes (or of unknown
 * lag), for maintenance mode, and for a scheduled switchover. A REST API
 * without /cluster (404) falls back to /health: 200 is healthy.
 */
const member = z.object({
  name: z.string(),
  role: z.string(),
  state: z.string().default(""),
  host: z.string().optional(),
  port: z.number().optional(),
  api_url: z.string().optional(),
  timeline: z.number().optional(),
  lag: z.union([z.number(), z.string()]).optional(),
  pending_restart: z.boolean().optional(),
});
export const patroniClusterDocument = z.object({
  members: z.array(member),
  pause: z.boolean().optional(),
  scheduled_switchover: z.object({ at: z.string().optional(), from: z.string().optional(), to: z.string().optional() }).optional(),
});
const health = z.object({ state: z.string().optional(), role: z.string().optional(), timeline: z.number().optional() });

const LEADER_ROLES = new Set(["leader", "standby_leader", "master", "primary"]);
const RUNNING_STATES = new Set(["running", "streaming", "in archive recovery"]);

export const patroniProbe: Probe<PatroniConfig> = (config, ctx) =>
  withDeadline(ctx, async (signal, started) => {
    const get = async (path: string) => {
      const url = new URL(config.url);
      const res = await sharedHttpClient().dispatcher.request({
        origin: url.origin,
        path: `${url.pathname.replace(/\/+$/, "")}${path}`,
        method: "GET",
        headers: headersFor(config),
        signal,
        headersTimeout: ctx.timeoutMs,
        bodyTimeout: ctx.timeoutMs,
      });
      return { status: res.statusCode, body: await readCapped(res.body, true) };
    };

    const res = await get("/cluster");
    if (res.status === 404) {
      const h = await get("/health");
      const info = health.safeParse(parseJson(h.body.text)).data ?? {};
      const latencyMs = elapsedMs(started);
      const details = { endpoint: "/health", ...info };
      const summary = [info.role, info.state].filter(Boolean).join(", ");
      if (h.status !== 200) return { ...failure(started, `/health: status ${h.status}${summary ? ` (${summary})` : ""}`, details), latencyMs };
      return { ok: true, latencyMs, message: `/health: ${summary || "status 200"}`, details };
    }
    if (res.status !== 200) return failure(started, `/cluster: status ${res.status}, expected 200`);
    const parsed = patroniClusterDocument.safeParse(parseJson(res.body.text));
    if (!parsed.success) return failure(started, "/cluster: not a Patroni cluster document");
    return judge(parsed.data, config, elapsedMs(started));
  });

function judge(c: z.infer<typeof patroniClusterDocument>, config: PatroniConfig, latencyMs: number): ProbeResult {
  const members = c.members.map((m) => ({
    name: m.name,
    role: m.role,
    state: m.state,
    host: m.host,
    port: m.port,
    timeline: m.timeline,
    lagBytes: typeof m.lag === "number" ? m.lag : null,
    ...(m.pending_restart ? { pendingRestart: true } : {}),
  }));
  const details: Record<string, unknown> = { endpoint: "/cluster", members, paused: c.pause === true };
  const leader = c.members.find((m) => LEADER_ROLES.has(m.role));
  const down = c.members.filter((m) => !RUNNING_STATES.has(m.state));
  const problems: string[] = [];
  if (!leader) problems.push("no leader");
  for (const m of down) problems.push(`member ${m.name} is ${m.state || "in an unknown state"}`);
  if (problems.length) return { ok: false, latencyMs, message: problems.join("; "), details };

  const warnings: string[] = [];
  for (const m of c.members) {
    if (m === leader) continue;
    if (typeof m.lag === "number" && m.lag > config.maxLagBytes) warnings.push(`member ${m.name} lags ${bytes(m.lag)} (limit ${bytes(config.maxLagBytes)})`);
    if (typeof m.lag === "string") warnings.push(`member ${m.name} lag is ${m.lag}`);
    if (m.state === "in archive recovery") warnings.push(`member ${m.name} is not streaming (in archive recovery)`);
  }
  if (c.pause) warnings.push("cluster is in maintenance mode (paused)");
  if (c.scheduled_switchover?.at) warnings.push(`switchover scheduled at ${c.scheduled_switchover.at}`);
  const replicas = c.members.length - 1;
  return {
    ok: true,
    latencyMs,
    message: `leader ${leader?.name ?? "?"}, ${replicas} replica${replicas === 1 ? "" : "s"}, all running`,
    warning: warnings.length ? warnings.join("; ") : null,
    details,
  };
}

/** Shared with the Patroni cluster driver (server/adapters/patroni-cluster). */
export function headersFor(config: Pick<PatroniConfig, "username" | "password">): Record<string, string> {
  const headers: Record<string, string> = { "user-agent": USER_AGENT, accept: "application/json" };
  if (config.username) {
    const password = config.password ? unseal(config.password) : "";
    headers.authorization = `Basic ${Buffer.from(`${config.username}:${password}`).toString("base64")}`;
  }
  return headers;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${Math.round(n / 102.4) / 10} KiB`;
  if (n < 1024 ** 3) return `${Math.round(n / 1024 / 102.4) / 10} MiB`;
  return `${Math.round(n / 1024 ** 2 / 102.4) / 10} GiB`;
}
