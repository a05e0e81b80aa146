import { SERVICE_STATE_RULE, deriveServiceState, emptyCounts } from "@/server/health/derive-service-state";
import type { HealthState } from "@/server/health/schemas";
import type { ComponentDetail, ComponentRow, HealthOverview, ServiceSummary } from "./types";

/** The server's rule and its code: live updates recompute service states in the browser exactly as the server does. */
export { emptyCounts };
export const serviceRule = SERVICE_STATE_RULE;

/** What one live message says about a component; fields left out are unchanged. */
export type Signal = {
  componentId: string;
  state: HealthState;
  at?: Date;
  ok?: boolean | null;
  latencyMs?: number | null;
  message?: string | null;
};

export function applyToRow<R extends Pick<ComponentRow, "state" | "stateSince" | "lastCheckedAt" | "lastOk" | "lastLatencyMs" | "lastMessage" | "paused">>(row: R, s: Signal): R {
  const checked = s.ok !== undefined;
  const next: R = { ...row, state: s.state, paused: s.state === "paused" ? true : row.paused };
  if (s.state !== row.state) next.stateSince = s.at ?? new Date();
  if (checked) {
    next.lastCheckedAt = s.at ?? new Date();
    next.lastOk = s.ok ?? null;
    if (s.latencyMs !== undefined) next.lastLatencyMs = s.latencyMs;
    if (s.message !== undefined) next.lastMessage = s.message;
  }
  return next;
}

/** Recounts the fleet and every service from the rows (O(n); called once per batch of events). */
export function recount(components: ComponentRow[], services: ServiceSummary[]): Pick<HealthOverview, "counts" | "services"> {
  const counts = emptyCounts();
  const perService = new Map<string, Record<HealthState, number>>();
  for (const c of components) {
    counts[c.state] += 1;
    let sc = perService.get(c.serviceId);
    if (!sc) perService.set(c.serviceId, (sc = emptyCounts()));
    sc[c.state] += 1;
  }
  const nextServices = services.map((s) => {
    const sc = perService.get(s.id) ?? emptyCounts();
    return { ...s, counts: sc, state: deriveServiceState(sc) };
  });
  return { counts, services: nextServices };
}

/**
 * Writes a batch of signals into the overview. Only the rows that changed get
 * new objects, so memoized rows elsewhere keep rendering nothing. Returns the
 * ids it did not find (created elsewhere): the caller refetches for those.
 */
export function applySignals(
  overview: HealthOverview,
  signals: ReadonlyMap<string, Signal>,
): { next: HealthOverview; missing: string[]; stateChanges: number } {
  const components = overview.components.slice();
  const found = new Set<string>();
  let stateChanges = 0;
  for (let i = 0; i < components.length; i++) {
    const row = components[i]!;
    const s = signals.get(row.id);
    if (!s) continue;
    found.add(row.id);
    if (s.state !== row.state) stateChanges++;
    components[i] = applyToRow(row, s);
  }
  const missing = [...signals.keys()].filter((id) => !found.has(id));
  if (found.size === 0) return { next: overview, missing, stateChanges };
  return { next: { ...overview, components, ...recount(components, overview.services) }, missing, stateChanges };
}

export function removeComponent(overview: HealthOverview, id: string): HealthOverview {
  const components = overview.components.filter((c) => c.id !== id);
  return { ...overview, components, ...recount(components, overview.services) };
}

export function applyToDetail(detail: ComponentDetail, s: Signal): ComponentDetail {
  return applyToRow(detail, s);
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

function isOverview(v: unknown): v is HealthOverview {
  return !!v && typeof v === "object" && Array.isArray((v as { components?: unknown }).components) && Array.isArray((v as { services?: unknown }).services);
}

/**
 * Structural sharing for a refetched overview: rows that did not change keep
 * their object identity (Dates compared by value, which React Query's default
 * cannot do), so a refetch of 10,000 rows re-renders only the changed ones.
 */
export function shareOverview(prev: unknown, next: unknown): unknown {
  if (!isOverview(prev) || !isOverview(next)) return next;
  const rows = new Map(prev.components.map((c) => [c.id, c]));
  const services = new Map(prev.services.map((s) => [s.id, s]));
  return {
    ...next,
    counts: same(prev.counts, next.counts) ? prev.counts : next.counts,
    services: next.services.map((s) => {
      const o = services.get(s.id);
      return o && same(o, s) ? o : s;
    }),
    components: next.components.map((c) => {
      const o = rows.get(c.id);
      return o && same(o, c) ? o : c;
    }),
  };
}
