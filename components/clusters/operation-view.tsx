"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { FormError } from "@/components/ui/field";
import { IconAlert } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { DateTime, RelativeTime } from "@/components/ui/relative-time";
import { useNow } from "@/components/ui/use-now";
import { TARGETS } from "@/server/failover/types";
import type { OperationDetail } from "@/server/failover/types";
import { OperationStatusBadge } from "./bits";
import styles from "./clusters.module.css";
import { clusterHref, formatBytes, formatMs, formatTarget, kindLabel, vsTarget } from "./format";
import { OperationActions } from "./operation-actions";
import { PreflightList } from "./preflight-list";
import { StepTimeline } from "./step-timeline";
import { useClustersLive } from "./use-clusters-live";

const live = (s: OperationDetail["status"]) => s === "running" || s === "pending";

export function OperationView({ id, clusterId }: { id: string; clusterId: string }) {
  useClustersLive(`cluster:${clusterId}`);
  const trpc = useTRPC();
  const q = useQuery(trpc.clusters.operation.queryOptions({ id }, { refetchInterval: (query) => (query.state.data && live(query.state.data.status) ? 1_000 : false) }));
  const op = q.data;
  if (!op) {
    return (
      <div className="page">
        <PageHeader title="Operation" />
        {q.isError ? <FormError message={errorMessage(q.error)} /> : <div className="card card-body muted">Loading…</div>}
      </div>
    );
  }
  const running = live(op.status);
  return (
    <div className="page" data-testid="operation-page" data-status={op.status}>
      <PageHeader
        title={`${kindLabel[op.kind]} of ${op.clusterName}`}
        lede={
          <span className="row">
            <OperationStatusBadge status={op.status} testId="operation-status" />
            <span>
              <span className="mono">{op.fromPrimary ?? "?"}</span> → <span className="mono">{op.candidate}</span>
            </span>
            <Link href={clusterHref(op.clusterId)} data-testid="back-to-cluster">
              Back to {op.clusterName}
            </Link>
          </span>
        }
        actions={<OperationActions op={op} />}
      />
      <div className="stack">
        {running ? <Progress op={op} /> : null}
        {op.error ? (
          <div className={`alert ${op.status === "needs_attention" ? "alert-warn" : "alert-bad"}`} role="status" data-testid="operation-error">
            <IconAlert />
            <span>
              <strong>{op.status === "needs_attention" ? "Needs attention: " : "Error: "}</strong>
              {op.error}
            </span>
          </div>
        ) : null}
        <Figures op={op} />
        <div className={styles.opGrid}>
          <section className="card" aria-labelledby="steps-title">
            <div className="card-header">
              <h2 id="steps-title">Steps</h2>
              {running ? <span className="dot dot-pulse status-warn" aria-label="live" /> : null}
            </div>
            <StepTimeline steps={op.steps} running={running} />
          </section>
          <aside className="stack">
            <section className="card" aria-labelledby="about-title">
              <div className="card-header">
                <h2 id="about-title">Request</h2>
              </div>
              <dl className="kv card-body">
                <dt>Cluster</dt>
                <dd>
                  <Link href={clusterHref(op.clusterId)}>{op.clusterName}</Link>
                </dd>
                <dt>From primary</dt>
                <dd className="mono">{op.fromPrimary ?? "—"}</dd>
                <dt>Candidate</dt>
                <dd className="mono">{op.candidate}</dd>
                <dt>Requested by</dt>
                <dd>{op.requestedByEmail ?? "system"}</dd>
                <dt>Why</dt>
                <dd data-testid="operation-reason">{op.reason}</dd>
                <dt>Requested</dt>
                <dd>
                  <DateTime date={op.createdAt} />
                </dd>
                {op.scheduledAt ? (
                  <>
                    <dt>Scheduled for</dt>
                    <dd>
                      <DateTime date={op.scheduledAt} />
                    </dd>
                  </>
                ) : null}
                {op.startedAt ? (
                  <>
                    <dt>Started</dt>
                    <dd>
                      <DateTime date={op.startedAt} />
                    </dd>
                  </>
                ) : null}
                {op.finishedAt ? (
                  <>
                    <dt>Finished</dt>
                    <dd>
                      <RelativeTime date={op.finishedAt} />
                    </dd>
                  </>
                ) : null}
                {op.overrides.length > 0 ? (
                  <>
                    <dt>Overrides</dt>
                    <dd className="status-warn">{op.overrides.join(", ")}</dd>
                  </>
                ) : null}
              </dl>
            </section>
            {op.preflight.length > 0 ? (
              <section className="card" aria-labelledby="preflight-title">
                <div className="card-header">
                  <h2 id="preflight-title">Preflight when requested</h2>
                </div>
                <div className="card-body">
                  <PreflightList checks={op.preflight} overrides={op.overrides} />
                </div>
              </section>
            ) : null}
          </aside>
        </div>
      </div>
    </div>
  );
}

function Progress({ op }: { op: OperationDetail }) {
  const now = useNow(250);
  const current = op.steps.find((s) => s.status === "running") ?? op.steps.at(-1);
  const since = op.startedAt ?? op.createdAt;
  return (
    <div className={`alert ${styles.progress}`} role="status" aria-live="polite" data-testid="operation-progress">
      <span className="spinner" aria-hidden="true" />
      <span>
        {op.status === "pending" ? "Waiting for a worker to pick it up…" : <>Step {op.steps.length}: {current?.title ?? op.currentStep ?? "starting"}</>}
      </span>
      <span className="spacer" />
      <span className="num muted">{now === null ? "" : formatMs(Math.max(0, now - since.getTime()))}</span>
      <div className={styles.progressBar} aria-hidden="true" />
    </div>
  );
}

function Figure({ label, value, target, tone, testId, sub }: { label: string; value: string; target?: string; tone: string; testId: string; sub?: string }) {
  return (
    <div className={styles.figure} data-testid={testId}>
      <span className="label">{label}</span>
      <span className={`${styles.big} num status-${tone}`} data-testid={`${testId}-value`}>
        {value}
      </span>
      <span className="faint">{target ? `target ${target}` : "\u00a0"}</span>
      {sub ? <span className="muted">{sub}</span> : null}
    </div>
  );
}

/** The measured figures as big numbers against their targets. */
function Figures({ op }: { op: OperationDetail }) {
  const lost = op.lostAckedWrites;
  return (
    <section className={`card ${styles.figures}`} aria-label="Measured" data-testid="operation-figures">
      <Figure
        label="Write-unavailability"
        value={formatMs(op.writeUnavailableMs)}
        target={formatTarget(TARGETS.failoverMs)}
        tone={vsTarget(op.writeUnavailableMs, TARGETS.failoverMs)}
        testId="figure-unavailable"
        sub={op.probeWrites !== null ? `${op.probeWrites.toLocaleString()} probe writes` : undefined}
      />
      <Figure label="RTO" value={formatMs(op.rtoMs)} target={formatTarget(TARGETS.rtoMs)} tone={vsTarget(op.rtoMs, TARGETS.rtoMs)} testId="figure-rto" />
      <Figure
        label="RPO: lost acknowledged writes"
        value={lost === null ? "—" : lost.toLocaleString()}
        target={`${formatTarget(TARGETS.rpoMs)} of data`}
        tone={lost === null ? "unknown" : lost === 0 ? "ok" : "bad"}
        testId="figure-lost"
        sub={op.lsnGapBytes !== null ? `position gap ${formatBytes(op.lsnGapBytes)}` : op.rpoEstimateBytes !== null ? `estimate acknowledged: ≤ ${formatBytes(op.rpoEstimateBytes)}` : undefined}
      />
      <Figure label="Duration" value={formatMs(op.durationMs)} tone="plain" testId="figure-duration" />
    </section>
  );
}
