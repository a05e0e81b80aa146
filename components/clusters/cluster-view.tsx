"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useRole } from "@/components/health/use-role";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError } from "@/components/ui/field";
import { IconDatabase, IconInfo } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { DateTime } from "@/components/ui/relative-time";
import { adapterLabels } from "@/server/failover/schemas";
import type { ClusterDetail, OperationKindName } from "@/server/failover/types";
import { Freshness, OperationStatusBadge } from "./bits";
import styles from "./clusters.module.css";
import { ExternalSchedule } from "./external-schedule";
import { clusterHref, formatBytes, kindLabel, operationHref } from "./format";
import { MemberCard } from "./member-card";
import { OperationActions } from "./operation-actions";
import { OperationDialog } from "./operation-dialog";
import { OperationHistory } from "./operation-history";
import { useClustersLive } from "./use-clusters-live";

const POLL_MS = 2_000;

export function ClusterView({ id }: { id: string }) {
  useClustersLive(`cluster:${id}`);
  const trpc = useTRPC();
  const q = useQuery(trpc.clusters.get.queryOptions({ id }, { refetchInterval: POLL_MS }));
  const [dialog, setDialog] = useState<OperationKindName | null>(null);
  const c = q.data;
  if (!c) {
    return (
      <div className="page">
        <PageHeader title="Cluster" />
        {q.isError ? <FormError message={errorMessage(q.error)} /> : <div className="card card-body muted">Loading…</div>}
      </div>
    );
  }
  const primary = c.primary;
  return (
    <div className="page">
      <PageHeader
        title={c.name}
        lede={
          <>
            {adapterLabels[c.adapter]}
            {c.serviceName ? <> · service {c.serviceName}</> : null} · max lag {formatBytes(c.maxLagBytes)} · <Freshness observedAt={c.observedAt} error={c.observeError} />
            {c.description ? <span className={styles.description}>{c.description}</span> : null}
          </>
        }
        actions={<ClusterButtons c={c} onOpen={setDialog} />}
      />
      <div className="stack">
        {c.observeError ? (
          <div className="alert alert-bad" role="status" data-testid="observe-error">
            <IconInfo />
            <span>
              <strong>Cannot observe the cluster: </strong>
              {c.observeError}
            </span>
          </div>
        ) : null}
        {c.activeOperation ? <ActiveOperation c={c} /> : null}
        <ExternalSchedule c={c} />
        <section className="card" aria-labelledby="topology-title">
          <div className="card-header">
            <h2 id="topology-title">Topology</h2>
            <span className="muted">{primary ? <>primary: <strong className="mono" data-testid="cluster-primary">{primary}</strong></> : <span className="status-bad" data-testid="cluster-primary">no primary</span>}</span>
          </div>
          {c.members.length === 0 ? (
            <EmptyState icon={<IconDatabase />} title="No members observed yet">
              <p>The worker observes the cluster every few seconds. If this stays empty, check that a worker is running and can reach the members.</p>
            </EmptyState>
          ) : (
            <div className={`card-body ${styles.members}`} data-testid="topology">
              {[...c.members]
                .sort((a, b) => Number(b.name === primary) - Number(a.name === primary) || (a.role === "primary" ? -1 : b.role === "primary" ? 1 : a.name.localeCompare(b.name)))
                .map((m) => (
                  <MemberCard key={m.name} m={m} kind={c.kind} />
                ))}
            </div>
          )}
        </section>
        <OperationHistory clusterId={c.id} />
      </div>
      <OperationDialog cluster={c} kind={dialog ?? "switchover"} open={dialog !== null} onClose={() => setDialog(null)} />
    </div>
  );
}

function ClusterButtons({ c, onOpen }: { c: ClusterDetail; onOpen: (k: OperationKindName) => void }) {
  const { canOperate, isAdmin } = useRole();
  const busy = c.activeOperation !== null;
  const title = !canOperate ? "Needs the operator role" : busy ? "Another operation holds this cluster" : undefined;
  return (
    <>
      {!canOperate ? (
        <span className="muted" data-testid="needs-operator">
          needs the operator role
        </span>
      ) : null}
      {isAdmin ? (
        <>
          <DeleteCluster c={c} />
          <Link href={`${clusterHref(c.id)}/edit`} className="btn" data-testid="edit-cluster">
            Edit
          </Link>
        </>
      ) : null}
      <button type="button" className="btn" disabled={!canOperate} title={title} onClick={() => onOpen("failover")} data-testid="failover-button">
        Failover…
      </button>
      <button type="button" className="btn btn-primary" disabled={!canOperate} title={title} onClick={() => onOpen("switchover")} data-testid="switchover-button">
        Switchover…
      </button>
    </>
  );
}

function ActiveOperation({ c }: { c: ClusterDetail }) {
  const op = c.activeOperation;
  const trpc = useTRPC();
  // The error and schedule are on the operation itself; the summary on the cluster only carries id / kind / status.
  const detail = useQuery(trpc.clusters.operation.queryOptions({ id: op?.id ?? "" }, { enabled: op !== null && (op.status === "needs_attention" || op.status === "scheduled") }));
  if (!op) return null;
  const d = detail.data;
  return (
    <div className={`alert ${op.status === "needs_attention" ? "alert-bad" : "alert-warn"} ${styles.activeBanner}`} data-testid="active-operation-banner" data-status={op.status}>
      <span className={styles.activeText}>
        <span className="row">
          <strong>{kindLabel[op.kind]}</strong>
          <OperationStatusBadge status={op.status} />
          {d?.scheduledAt && op.status === "scheduled" ? <span className="muted">starts <DateTime date={d.scheduledAt} /></span> : null}
          <Link href={operationHref(op.id)} data-testid="active-operation-link">
            Open the operation
          </Link>
        </span>
        {op.status === "needs_attention" && d?.error ? <span data-testid="needs-attention-error">{d.error}</span> : null}
        {op.status === "needs_attention" ? <span className="muted">No other operation can start until an admin resolves this one.</span> : null}
      </span>
      <span className="spacer" />
      <OperationActions op={op} />
    </div>
  );
}

function DeleteCluster({ c }: { c: ClusterDetail }) {
  const [open, setOpen] = useState(false);
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const del = useMutation(trpc.clusters.delete.mutationOptions());
  return (
    <>
      <button type="button" className="btn btn-ghost" onClick={() => setOpen(true)} data-testid="delete-cluster">
        Delete
      </button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Delete ${c.name}?`}
        confirmLabel="Delete cluster"
        typed={c.name}
        confirmTestId="confirm-delete-cluster"
        onConfirm={async () => {
          await del.mutateAsync({ id: c.id });
          await queryClient.invalidateQueries(trpc.clusters.list.pathFilter());
          router.push("/clusters");
        }}
      >
        <p>Bulwark stops observing it and forgets its credentials. The cluster itself is not touched.</p>
      </ConfirmDialog>
    </>
  );
}
