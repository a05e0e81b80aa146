"use client";

import { useHealthOverview } from "@/components/health/use-overview";
import Link from "next/link";
import { compareRows } from "@/components/health/use-health-filters";
import { HealthStatus, kindLabel, stateMeta, stateOrder } from "@/components/health/state";
import { useHealthLive } from "@/components/health/use-health-live";
import { errorMessage } from "@/components/trpc/errors";
import { IconHealth } from "@/components/ui/icons";
import { RelativeTime } from "@/components/ui/relative-time";
import styles from "./overview.module.css";

const WORST = 6;

/** Fleet health at a glance: counts by state and the components that need someone, kept live. */
export function FleetHealthCard({ canOperate }: { canOperate: boolean }) {
  useHealthLive();
  const q = useHealthOverview();
  const data = q.data;
  const total = data?.components.length ?? 0;
  const needing = data ? data.components.filter((c) => c.state === "unhealthy" || c.state === "degraded" || c.state === "unknown") : [];
  const worst = needing.sort(compareRows("state")).slice(0, WORST);
  const attention = data ? data.counts.unhealthy + data.counts.degraded : 0;

  return (
    <section className="card" aria-labelledby="fleet-title" data-testid="fleet-health">
      <div className="card-header">
        <IconHealth />
        <h2 id="fleet-title">Fleet health</h2>
        <span className="spacer" />
        {data && total > 0 ? (
          <span className="muted num">
            {attention === 0 ? `All ${total.toLocaleString()} components fine` : `${attention.toLocaleString()} of ${total.toLocaleString()} need attention`}
          </span>
        ) : null}
        <Link href="/health">Open Health</Link>
      </div>
      {q.isError ? <div className="card-body field-error">{errorMessage(q.error)}</div> : null}
      {q.isPending ? <div className="card-body muted">Loading…</div> : null}
      {data && total === 0 ? (
        <div className="card-body">
          <p className="muted">
            No components yet. Add the endpoints, databases and jobs your services depend on, and their state shows here live.{" "}
            {canOperate ? <Link href="/health/new">Add a component</Link> : "An operator or admin can add them."}
          </p>
        </div>
      ) : null}
      {data && total > 0 ? (
        <>
          <div className={styles.fleetCounts}>
            {stateOrder.map((s) => {
              const Icon = stateMeta[s].icon;
              return (
                <Link key={s} href={`/health?state=${s}`} className={styles.fleetCount} data-state={s} data-testid={`fleet-count-${s}`} data-zero={data.counts[s] === 0 ? true : undefined}>
                  <span className={styles.fleetValue}>{data.counts[s].toLocaleString()}</span>
                  <span className={styles.fleetLabel}>
                    <Icon />
                    {stateMeta[s].label}
                  </span>
                </Link>
              );
            })}
          </div>
          {worst.length > 0 ? (
            <ul className={styles.worst} aria-label="Components needing attention" data-testid="fleet-worst">
              {worst.map((c) => (
                <li key={c.id} className={styles.worstItem}>
                  <HealthStatus state={c.state} />
                  <Link href={`/health/${c.id}`} className={styles.worstName} title={c.lastMessage ?? undefined}>
                    {c.name}
                  </Link>
                  <span className="muted truncate">
                    {c.serviceName} · {kindLabel[c.kind]}
                    {c.lastMessage ? ` · ${c.lastMessage}` : ""}
                  </span>
                  <span className="faint">
                    <RelativeTime date={c.stateSince} intervalMs={5000} />
                  </span>
                </li>
              ))}
              {needing.length > WORST ? (
                <li className={styles.worstMore}>
                  <Link href="/health?state=unhealthy,degraded,unknown">
                    {(needing.length - WORST).toLocaleString()} more unhealthy, degraded or unknown
                  </Link>
                </li>
              ) : null}
            </ul>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
