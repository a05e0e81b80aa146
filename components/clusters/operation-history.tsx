"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { FormError } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { TARGETS } from "@/server/failover/types";
import type { OperationSummary } from "@/server/failover/types";
import { OperationStatusBadge } from "./bits";
import styles from "./clusters.module.css";
import { formatBytes, formatMs, formatTarget, kindLabel, operationHref, vsTarget } from "./format";
import { OperationActions } from "./operation-actions";
import { UnavailabilityChart } from "./unavailability-chart";

/** A measured figure beside its target: "0.84 s (target 60 s)", red when over. */
export function Measured({ ms, targetMs, testId }: { ms: number | null; targetMs: number; testId?: string }) {
  if (ms === null) return <span className="faint">—</span>;
  return (
    <span className={styles.measured} data-testid={testId}>
      <span className={`num status-${vsTarget(ms, targetMs)}`}>{formatMs(ms)}</span> <span className="faint">(target {formatTarget(targetMs)})</span>
    </span>
  );
}

/** RPO as measured: acknowledged writes lost and the position gap, or the estimate that was acknowledged. */
export function RpoText({ op }: { op: OperationSummary }) {
  if (op.lostAckedWrites === null && op.lsnGapBytes === null) {
    return op.rpoEstimateBytes !== null ? <span className="muted">est. ≤ {formatBytes(op.rpoEstimateBytes)}</span> : <span className="faint">—</span>;
  }
  return (
    <span className="nowrap">
      {op.lostAckedWrites !== null ? (
        <span className={op.lostAckedWrites === 0 ? "status-ok" : "status-bad"}>
          {op.lostAckedWrites.toLocaleString()} lost write{op.lostAckedWrites === 1 ? "" : "s"}
        </span>
      ) : null}
      {op.lsnGapBytes !== null ? <span className="muted"> · gap {formatBytes(op.lsnGapBytes)}</span> : null}
    </span>
  );
}

export function OperationHistory({ clusterId }: { clusterId: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.clusters.operations.queryOptions({ clusterId, limit: 50 }));
  const ops = q.data ?? [];
  const measured = ops.filter((o) => o.writeUnavailableMs !== null);
  return (
    <section className="card card-flush" aria-labelledby="history-title" data-testid="operation-history">
      <div className="card-header">
        <h2 id="history-title">Operations</h2>
        <span className="muted">
          targets: write-unavailability ≤ {formatTarget(TARGETS.failoverMs)} · RTO ≤ {formatTarget(TARGETS.rtoMs)} · RPO ≤ {formatTarget(TARGETS.rpoMs)}
        </span>
      </div>
      {q.isError ? (
        <div className="card-body">
          <FormError message={errorMessage(q.error)} />
        </div>
      ) : null}
      {q.isPending ? <div className="card-body muted">Loading…</div> : null}
      {q.data && ops.length === 0 ? <p className="card-body muted">No switchover or failover yet. Each one will be listed here with what it measured.</p> : null}
      {measured.length >= 2 ? <UnavailabilityChart ops={measured} /> : null}
      {ops.length > 0 ? (
        <div className="table-wrap">
          <table className={`table ${styles.history}`} data-testid="operation-table">
            <thead>
              <tr>
                <th scope="col">Operation</th>
                <th scope="col">Status</th>
                <th scope="col">Who / why</th>
                <th scope="col">Write-unavailability</th>
                <th scope="col">RTO</th>
                <th scope="col">RPO</th>
                <th scope="col">Duration</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {ops.map((o) => (
                <tr key={o.id} data-testid="operation-row" data-status={o.status} data-kind={o.kind}>
                  <td className="nowrap">
                    <Link href={operationHref(o.id)} className={styles.rowLink}>
                      {kindLabel[o.kind]}
                    </Link>
                    <span className={styles.sub}>
                      {o.fromPrimary ?? "?"} → {o.candidate} · <RelativeTime date={o.status === "scheduled" ? (o.scheduledAt ?? o.createdAt) : (o.startedAt ?? o.createdAt)} />
                    </span>
                  </td>
                  <td>
                    <OperationStatusBadge status={o.status} />
                    {o.status === "needs_attention" && o.error ? <span className={styles.rowError} title={o.error} data-testid="operation-row-error">{o.error}</span> : null}
                  </td>
                  <td className={styles.whyCell}>
                    <span>{o.requestedByEmail ?? <span className="faint">system</span>}</span>
                    <span className={styles.sub} title={o.reason}>
                      {o.reason}
                    </span>
                  </td>
                  <td data-testid="operation-unavailability">
                    <Measured ms={o.writeUnavailableMs} targetMs={TARGETS.failoverMs} />
                  </td>
                  <td>
                    <Measured ms={o.rtoMs} targetMs={TARGETS.rtoMs} />
                  </td>
                  <td>
                    <RpoText op={o} />
                  </td>
                  <td className="num nowrap">{formatMs(o.durationMs)}</td>
                  <td className="actions">
                    <OperationActions op={o} small />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
