import { stringify } from "yaml";
import type { Db } from "@/db/client";
import { systemActor } from "../core/actor";
import type { VerbCtx } from "../core/verb";
import { updateComponent } from "../health/component-verbs";
import { importComponentsYaml } from "../health/components-yaml";
import { componentDetail, healthOverview, listServices } from "../health/queries";
import type { ComponentInput } from "../health/schemas";
import { LAB_HOST } from "./sample-service";
import type { LabFile } from "./schemas";
import { WS_PATH } from "./websocket-service";

export const LAB_SERVICE = "Demo lab";

type Ports = LabFile["ports"];
type PgTarget = { port: number; password: string };

/** Snappier than the production defaults, so a change made in the lab card shows within seconds. */
const quick = { intervalMs: 5_000, timeoutMs: 3_000, unhealthyThreshold: 2, healthyThreshold: 2, tags: ["lab"] };

/** What the lab seeds: the sample services' endpoints and the embedded PostgreSQL itself. */
export function labComponents(ports: Ports, pg: PgTarget): ComponentInput[] {
  const api = `http://${LAB_HOST}:${ports.api}`;
  const http = (name: string, url: string, extra: Record<string, unknown> = {}): ComponentInput => ({
    service: LAB_SERVICE,
    name,
    kind: "http",
    config: { url, ...extra },
    degradedLatencyMs: 500,
    ...quick,
  });
  return [
    http("API /health", `${api}/health`, { jsonPath: { path: "status", equals: "ok" } }),
    http("API /health/ready", `${api}/health/ready`),
    http("API /health/live", `${api}/health/live`),
    { service: LAB_SERVICE, name: "WebSocket", kind: "websocket", config: { url: `ws://${LAB_HOST}:${ports.websocket}${WS_PATH}` }, degradedLatencyMs: 500, ...quick },
    http("Checkout /health/ready", `http://${LAB_HOST}:${ports.checkout}/health/ready`),
    {
      service: LAB_SERVICE,
      name: "PostgreSQL (embedded)",
      kind: "postgres",
      // The password is sealed by the create path (server/health/config-secrets.ts) before it is stored.
      config: { host: LAB_HOST, port: pg.port, database: "bulwark", user: "postgres", password: pg.password },
      tags: ["lab"],
    },
    { service: LAB_SERVICE, name: "PostgreSQL port (TCP)", kind: "tcp", config: { host: LAB_HOST, port: pg.port }, tags: ["lab"] },
  ];
}

/** Rewrites a config's 127.0.0.1 port through `moved` (old → new); null when nothing changes. */
export function movePorts(kind: string, config: Record<string, unknown>, moved: Map<number, number>): Record<string, unknown> | null {
  if ((kind === "http" || kind === "websocket") && typeof config.url === "string") {
    const u = new URL(config.url);
    const to = moved.get(Number(u.port));
    if (u.hostname !== LAB_HOST || to === undefined) return null;
    u.port = String(to);
    return { ...config, url: u.toString() };
  }
  if ((kind === "tcp" || kind === "postgres") && config.host === LAB_HOST && typeof config.port === "number") {
    const to = moved.get(config.port);
    return to === undefined ? null : { ...config, port: to };
  }
  return null;
}

export type SeedResult = { seeded: number; moved: number };

/**
 * First start with the lab: create service "Demo lab" and its components in
 * one all-or-nothing import, as the system actor `lab`. Later starts seed
 * nothing; if a port moved since the last start (it was taken), the lab's
 * components that pointed at the old port are updated through `updateComponent`.
 */
export async function seedLab(db: Db, opts: { ports: Ports; pg: PgTarget; previous: LabFile | null }): Promise<SeedResult> {
  const ctx: VerbCtx = { actor: systemActor("lab"), db, requestId: null };
  const service = (await listServices(db)).find((s) => s.name.toLowerCase() === LAB_SERVICE.toLowerCase());
  if (!service) {
    const r = await importComponentsYaml({ ctx, input: { yaml: stringify({ components: labComponents(opts.ports, opts.pg) }) } });
    return { seeded: r.created, moved: 0 };
  }
  const prev = opts.previous;
  if (!prev) return { seeded: 0, moved: 0 };
  const moved = new Map<number, number>();
  for (const k of ["api", "websocket", "checkout"] as const) if (prev.ports[k] !== opts.ports[k]) moved.set(prev.ports[k], opts.ports[k]);
  if (prev.pgPort !== opts.pg.port) moved.set(prev.pgPort, opts.pg.port);
  if (moved.size === 0) return { seeded: 0, moved: 0 };

  let count = 0;
  const mine = (await healthOverview(db)).components.filter((c) => c.serviceId === service.id);
  for (const row of mine) {
    const c = await componentDetail(db, row.id);
    const config = movePorts(c.kind, c.config, moved);
    if (!config) continue;
    await updateComponent({
      ctx,
      input: {
        id: c.id,
        component: {
          service: service.id,
          name: c.name,
          kind: c.kind,
          // still redacted: the update keeps the stored (sealed) secret
          config,
          intervalMs: c.intervalMs,
          timeoutMs: c.timeoutMs,
          unhealthyThreshold: c.unhealthyThreshold,
          healthyThreshold: c.healthyThreshold,
          degradedLatencyMs: c.degradedLatencyMs,
          tags: c.tags,
        },
      },
    });
    count += 1;
  }
  return { seeded: 0, moved: count };
}
