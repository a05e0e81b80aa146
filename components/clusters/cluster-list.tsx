"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRole } from "@/components/health/use-role";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError } from "@/components/ui/field";
import { IconDatabase, IconInfo, IconPlus } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { adapterLabels } from "@/server/failover/schemas";
import type { ClusterSummary } from "@/server/failover/types";
import { TARGETS } from "@/server/failover/types";
import { ActiveOperationLink, Freshness, MemberChips, OperationStatusBadge } from "./bits";
import styles from "./clusters.module.css";
import { clusterHref, formatMs, formatTarget, kindLabel, operationHref, vsTarget } from "./format";
import { LabClustersNote } from "./lab-clusters-note";
import { useClustersLive } from "./use-clusters-live";

/** Member lag changes without events (the observer only emits on role changes): poll while the page is visible. */
const POLL_MS = 2_000;

export function ClustersView() {
  useClustersLive("cluster:*");
  const trpc = useTRPC();
  const { isAdmin } = useRole();
  const list = useQuery(trpc.clusters.list.queryOptions(undefined, { refetchInterval: POLL_MS }));
  const data = list.data;
  return (
    <div className="page">
      <PageHeader
        title="Clusters"
        lede="Replicated PostgreSQL and Redis deployments: who is primary, how far behind each standby is, and the switchover button."
        actions={
          isAdmin && data && data.length > 0 ? (
            <Link href="/clusters/new" className="btn btn-primary" data-testid="new-cluster">
              <IconPlus />
              Add cluster
            </Link>
          ) : null
        }
      />
      <LabClustersNote />
      {list.isError ? <FormError message={errorMessage(list.error)} /> : null}
      {list.isPending ? <div className="card card-body muted">Loading…</div> : null}
      {data && data.length === 0 ? <NoClusters isAdmin={isAdmin} /> : null}
      {data && data.length > 0 ? (
        <section className="card card-flush" aria-label="Clusters">
          <div className="table-wrap">
            <table className={`table ${styles.list}`} data-testid="cluster-table">
              <thead>
                <tr>
                  <th scope="col">Cluster</th>
                  <th scope="col">Members</th>
                  <th scope="col">Observed</th>
                  <th scope="col">Operation</th>
                  <th scope="col">Last write-unavailability</th>
                </tr>
              </thead>
              <tbody>
                {data.map((c) => (
                  <Row key={c.id} c={c} />
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  );
}

function Row({ c }: { c: ClusterSummary }) {
  const last = c.lastOperation;
  return (
    <tr data-testid="cluster-row" data-cluster={c.name}>
      <td className={styles.nameCell}>
        <Link href={clusterHref(c.id)} className={styles.rowLink}>
          {c.name}
        </Link>
        <span className={styles.sub}>
          {adapterLabels[c.adapter]}
          {c.serviceName ? <> · {c.serviceName}</> : null}
        </span>
        {c.observeError ? <span className={styles.rowError}>{c.observeError}</span> : null}
      </td>
      <td>
        <MemberChips members={c.members} />
      </td>
      <td className="nowrap">
        <Freshness observedAt={c.observedAt} error={c.observeError} />
      </td>
      <td>{c.activeOperation ? <ActiveOperationLink op={c.activeOperation} /> : <span className="faint">—</span>}</td>
      <td>
        {last ? (
          <Link href={operationHref(last.id)} className={styles.lastOp} data-testid="last-operation">
            <span className={`num status-${vsTarget(last.writeUnavailableMs, TARGETS.failoverMs)}`} title={`target ${formatTarget(TARGETS.failoverMs)}`}>
              {formatMs(last.writeUnavailableMs)}
            </span>
            <span className="muted">
              {kindLabel[last.kind]} · <RelativeTime date={last.finishedAt ?? last.createdAt} />
            </span>
            {last.status !== "succeeded" ? <OperationStatusBadge status={last.status} /> : null}
          </Link>
        ) : (
          <span className="faint">no operations yet</span>
        )}
      </td>
    </tr>
  );
}

function NoClusters({ isAdmin }: { isAdmin: boolean }) {
  return (
    <section className="card" data-testid="empty-state">
      <EmptyState icon={<IconDatabase />} title="No clusters yet">
        <p>
          A cluster is a PostgreSQL or Redis deployment Bulwark watches and can move the primary of: PostgreSQL streaming replication (Bulwark performs the
          switchover itself), Patroni (through its REST API) or Redis Sentinel. Every switchover and failover is recorded step by step, with the write
          unavailability it caused measured on real writes.
        </p>
        {isAdmin ? (
          <Link href="/clusters/new" className="btn btn-primary" data-testid="new-cluster">
            <IconPlus />
            Add cluster
          </Link>
        ) : (
          <p>
            <IconInfo /> Admins add clusters with their connection details. Ask an admin to add yours.
          </p>
        )}
      </EmptyState>
    </section>
  );
}
