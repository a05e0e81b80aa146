import type { ComponentType, SVGProps } from "react";
import { IconAlert, IconCheckCircle, IconHelpCircle, IconXCircle } from "@/components/ui/icons";
import type { ComponentKind, HealthState } from "@/server/health/schemas";
import styles from "./health.module.css";
import { IconPause, IconWrench } from "./icons";

type Meta = { label: string; icon: ComponentType<SVGProps<SVGSVGElement>>; description: string };

/** Every state has an icon and a word: colour is never the only signal. */
export const stateMeta: Record<HealthState, Meta> = {
  unhealthy: { label: "Unhealthy", icon: IconXCircle, description: "Failed its unhealthy threshold of consecutive checks" },
  degraded: { label: "Degraded", icon: IconAlert, description: "Answering, but slow or reporting a warning (lag, pool use, certificate expiry…)" },
  unknown: { label: "Unknown", icon: IconHelpCircle, description: "Not checked yet, or no worker is probing it" },
  maintenance: { label: "Maintenance", icon: IconWrench, description: "In a maintenance window: still checked, but no alerts and excluded from SLOs" },
  paused: { label: "Paused", icon: IconPause, description: "Not being checked until someone resumes it" },
  healthy: { label: "Healthy", icon: IconCheckCircle, description: "Passing its checks" },
};

/** Worst first: the order of the counts bar and of "sort by state". */
export const stateOrder: readonly HealthState[] = ["unhealthy", "degraded", "unknown", "maintenance", "paused", "healthy"];
export const severity: Record<HealthState, number> = Object.fromEntries(stateOrder.map((s, i) => [s, i])) as Record<HealthState, number>;

export const kindLabel: Record<ComponentKind, string> = {
  http: "HTTP",
  tcp: "TCP",
  websocket: "WebSocket",
  postgres: "PostgreSQL",
  redis: "Redis",
  patroni: "Patroni",
  pgbouncer: "PgBouncer",
  push: "Push",
};

export function HealthStatus({ state, className, testId }: { state: HealthState; className?: string; testId?: string }) {
  const m = stateMeta[state];
  const Icon = m.icon;
  return (
    <span className={`status ${styles.state}${className ? ` ${className}` : ""}`} data-state={state} data-testid={testId}>
      <Icon />
      <span>{m.label}</span>
    </span>
  );
}

export function HealthBadge({ state, testId }: { state: HealthState; testId?: string }) {
  const m = stateMeta[state];
  const Icon = m.icon;
  return (
    <span className={`badge ${styles.badge}`} data-state={state} data-testid={testId} title={m.description}>
      <Icon />
      {m.label}
    </span>
  );
}
