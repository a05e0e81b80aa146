"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { FormError } from "@/components/ui/field";
import { IconChevronRight } from "@/components/ui/icons";
import { DateTime, RelativeTime } from "@/components/ui/relative-time";
import { DeleteDialog, PauseDialog } from "./component-dialogs";
import styles from "./component.module.css";
import { ConfigList } from "./config-list";
import { DetailRows } from "./details";
import { formatInterval, formatLatency, formatRatio } from "./format";
import { IconEdit, IconPause, IconPlay, IconTrash, IconZap } from "./icons";
import { LatencyChart } from "./latency-chart";
import { MaintenanceCard } from "./maintenance-card";
import { ProbeResultPanel } from "./probe-result";
import { PushCard } from "./push-url";
import { HealthStatus, kindLabel, stateMeta } from "./state";
import { detailToInput } from "./to-input";
import { TransitionsList } from "./transitions-list";
import type { ComponentDetail } from "./types";
import { useHealthLive } from "./use-health-live";
import { useRole } from "./use-role";

export function ComponentView({ id }: { id: string }) {
  const trpc = useTRPC();
  useHealthLive();
  const { canOperate, isAdmin } = useRole();
  const q = useQuery(trpc.health.component.queryOptions({ id }));
  const [dialog, setDialog] = useState<"pause" | "delete" | null>(null);
  const test = useMutation(trpc.health.testNow.mutationOptions());
  const c = q.data;

  if (q.isError) {
    return (
      <div className="page">
        <FormError message={errorMessage(q.error)} />
        <p style={{ marginTop: 12 }}>
          <Link href="/health">Back to Health</Link>
        </p>
      </div>
    );
  }
  if (!c) return <div className="page muted">Loading…</div>;

  return (
    <div className="page" data-testid="component-page" data-state={c.state}>
      <nav aria-label="Breadcrumb" className={styles.crumbs}>
        <Link href="/health">Health</Link>
        <IconChevronRight />
        <Link href={`/health?service=${c.serviceId}`}>{c.serviceName}</Link>
      </nav>
      <header className="page-header">
        <div style={{ minWidth: 0 }}>
          <h1 className={styles.title}>
            <span>{c.name}</span>
            <HealthStatus state={c.state} className={styles.titleState} testId="component-state" />
          </h1>
          <p className={`lede ${styles.lede}`}>
            <span className="badge">{kindLabel[c.kind]}</span>
            <span className="mono">{c.target}</span>
            <span className="faint">every {formatInterval(c.intervalMs)}</span>
            {c.tags.map((t) => (
              <span key={t} className={styles.tag}>
                {t}
              </span>
            ))}
          </p>
        </div>
        <div className="spacer" />
        {canOperate ? (
          <div className="row">
            {c.kind !== "push" ? (
              <button type="button" className="btn" disabled={test.isPending} onClick={() => test.mutate({ component: detailToInput(c), id: c.id })} data-testid="test-now">
                {test.isPending ? <span className="spinner" aria-hidden="true" /> : <IconZap />}
                Test now
              </button>
            ) : null}
            <button type="button" className="btn" onClick={() => setDialog("pause")} data-testid="pause-toggle">
              {c.paused ? <IconPlay /> : <IconPause />}
              {c.paused ? "Resume" : "Pause"}
            </button>
            <Link href={`/health/${c.id}/edit`} className="btn" data-testid="edit-component">
              <IconEdit />
              Edit
            </Link>
            {isAdmin ? (
              <button type="button" className="btn" onClick={() => setDialog("delete")} data-testid="delete-component">
                <IconTrash />
                Delete
              </button>
            ) : null}
          </div>
        ) : null}
      </header>

      <div className="stack">
        {test.data ? <ProbeResultPanel result={test.data} onDismiss={() => test.reset()} /> : null}
        {test.isError ? <FormError message={errorMessage(test.error)} /> : null}
        <div className={styles.summary}>
          <StateCard c={c} />
          <LastCheckCard c={c} />
          <UptimeCard id={c.id} />
        </div>
        {/* Heartbeats carry no latency: a push component has nothing to chart. */}
        {c.kind !== "push" ? <LatencyChart id={c.id} /> : null}
        <div className={styles.columns}>
          <TransitionsList id={c.id} />
          <div className="stack">
            {c.kind === "push" ? <PushCard c={c} canOperate={canOperate} /> : null}
            <ConfigList c={c} canOperate={canOperate} />
            <MaintenanceCard c={c} canOperate={canOperate} />
          </div>
        </div>
      </div>
      <PauseDialog c={c} open={dialog === "pause"} onClose={() => setDialog(null)} />
      {isAdmin ? <DeleteDialog c={c} open={dialog === "delete"} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}

function StateCard({ c }: { c: ComponentDetail }) {
  return (
    <section className="card" aria-labelledby="state-title">
      <div className="card-header">
        <h2 id="state-title">Current state</h2>
      </div>
      <div className="card-body stack" style={{ gap: 8 }}>
        <div className={styles.bigState} data-state={c.state}>
          <HealthStatus state={c.state} />
        </div>
        <p className="muted">{stateMeta[c.state].description}.</p>
        <dl className="kv">
          <dt>Since</dt>
          <dd>
            <RelativeTime date={c.stateSince} /> <span className="faint">(<DateTime date={c.stateSince} />)</span>
          </dd>
          <dt>In a row</dt>
          <dd className="num">
            {c.consecutiveFailures > 0
              ? `${c.consecutiveFailures} failed (unhealthy at ${c.unhealthyThreshold})`
              : `${c.consecutiveSuccesses} passed (recovers at ${c.healthyThreshold})`}
          </dd>
          {c.paused ? (
            <>
              <dt>Checks</dt>
              <dd>paused</dd>
            </>
          ) : null}
        </dl>
      </div>
    </section>
  );
}

function LastCheckCard({ c }: { c: ComponentDetail }) {
  return (
    <section className="card" aria-labelledby="last-title" data-testid="last-check">
      <div className="card-header">
        <h2 id="last-title">Last check</h2>
        <span className="spacer" />
        {c.lastOk === null ? null : c.lastOk ? <span className="badge badge-ok">passed</span> : <span className="badge badge-bad">failed</span>}
      </div>
      <div className="card-body stack" style={{ gap: 8 }}>
        {c.lastCheckedAt ? (
          <>
            <dl className="kv">
              <dt>When</dt>
              <dd>
                <RelativeTime date={c.lastCheckedAt} />
              </dd>
              <dt>Latency</dt>
              <dd className="num">{formatLatency(c.lastLatencyMs)}</dd>
              <dt>Result</dt>
              <dd data-testid="last-message">{c.lastMessage ?? <span className="faint">no message</span>}</dd>
              <DetailRows details={c.lastDetails} />
            </dl>
          </>
        ) : (
          <p className="muted">Not checked yet. {c.paused ? "Checks are paused." : "The worker picks it up within one interval."}</p>
        )}
      </div>
    </section>
  );
}

function UptimeCard({ id }: { id: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.health.uptime.queryOptions({ id }, { refetchInterval: 60_000 }));
  const windows = ["24h", "7d", "30d"] as const;
  return (
    <section className="card" aria-labelledby="uptime-title" data-testid="uptime-card">
      <div className="card-header">
        <h2 id="uptime-title">Uptime</h2>
      </div>
      <div className="card-body">
        {q.isError ? <FormError message={errorMessage(q.error)} /> : null}
        <div className={styles.uptime}>
          {windows.map((w) => {
            const v = q.data?.[w] ?? null;
            return (
              <div key={w} className={styles.uptimeCell}>
                <span className={styles.uptimeValue} data-level={v === null ? undefined : v < 0.95 ? "bad" : v < 0.99 ? "low" : undefined}>
                  {q.isPending ? "…" : v === null ? "—" : formatRatio(v)}
                </span>
                <span className="muted">{w === "24h" ? "24 hours" : w === "7d" ? "7 days" : "30 days"}</span>
              </div>
            );
          })}
        </div>
        <p className="hint" style={{ marginTop: 10 }}>
          Share of passed checks; time in maintenance is left out. — means no checks in that window.
        </p>
      </div>
    </section>
  );
}
