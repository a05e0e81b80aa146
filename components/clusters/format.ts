import type { Tone } from "@/components/ui/status";
import type { MemberRole, OperationStatusName } from "@/server/failover/types";

/** Where an operation lives; every link to one goes through here. */
export const operationHref = (id: string) => `/clusters/operations/${id}`;
export const clusterHref = (id: string) => `/clusters/${id}`;

/** Binary units, as PostgreSQL's pg_size_pretty reads them. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "—";
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[i]}`;
}

/** Measured durations keep their precision: "340 ms", "0.84 s", "12.3 s", "4m 12s". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m ${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
}

/** A target as people say it: "60 s", "15 min". */
export function formatTarget(ms: number): string {
  if (ms <= 60_000) return `${ms / 1000} s`;
  if (ms < 3_600_000) return `${ms / 60_000} min`;
  return `${ms / 3_600_000} h`;
}

export function lagText(bytes: number | null, seconds: number | null): string {
  const parts: string[] = [];
  if (bytes !== null) parts.push(formatBytes(bytes));
  if (seconds !== null) parts.push(seconds < 10 ? `${seconds.toFixed(1)} s` : formatMs(seconds * 1000));
  return parts.length ? parts.join(" · ") : "lag unknown";
}

export const roleLabel: Record<MemberRole, string> = { primary: "Primary", standby: "Standby", unknown: "Unknown", down: "Down" };

export function roleTone(role: MemberRole, healthy: boolean): Tone {
  if (role === "down") return "bad";
  if (role === "unknown") return "unknown";
  return healthy ? "ok" : "warn";
}

export const statusMeta: Record<OperationStatusName, { label: string; tone: Tone; active: boolean }> = {
  scheduled: { label: "Scheduled", tone: "unknown", active: true },
  pending: { label: "Pending", tone: "unknown", active: true },
  running: { label: "Running", tone: "warn", active: true },
  needs_attention: { label: "Needs attention", tone: "bad", active: true },
  succeeded: { label: "Succeeded", tone: "ok", active: false },
  failed: { label: "Failed", tone: "bad", active: false },
  cancelled: { label: "Cancelled", tone: "unknown", active: false },
};

export const kindLabel = { switchover: "Switchover", failover: "Failover" } as const;

/** A measured value against its target: ok within, bad over, unknown when not measured. */
export function vsTarget(ms: number | null | undefined, targetMs: number): Tone {
  if (ms === null || ms === undefined) return "unknown";
  return ms <= targetMs ? "ok" : "bad";
}

/** An observation older than this is stale: the observer polls every few seconds. */
export const STALE_MS = 15_000;
