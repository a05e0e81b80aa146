"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError, describedBy } from "@/components/ui/field";
import { fromLocalInputValue } from "@/components/ui/format";
import { type OverridableCheck, switchoverInput } from "@/server/failover/schemas";
import type { ClusterDetail, OperationKindName } from "@/server/failover/types";
import styles from "./clusters.module.css";
import { formatBytes, lagText, operationHref, roleLabel } from "./format";
import { PreflightList, preflightPasses } from "./preflight-list";
import { OperationRequestError } from "./server-error";

type Values = { reason: string; confirmName: string; scheduledAt: string; acknowledgeDataLoss: boolean };

/** The shared reason / confirmation rules, plus what only the browser can check (the typed name, a future time). */
function formSchema(clusterName: string, kind: OperationKindName) {
  return z.object({
    reason: switchoverInput.shape.reason,
    confirmName: switchoverInput.shape.confirmName.refine((v) => v === clusterName, "Type the cluster's name exactly as shown"),
    scheduledAt: z.string().refine((v) => {
      if (!v) return true;
      const iso = fromLocalInputValue(v);
      return iso !== undefined && new Date(iso).getTime() > Date.now();
    }, "Pick a time in the future, or leave it empty to start now"),
    acknowledgeDataLoss: kind === "failover" ? z.literal(true, { error: "Acknowledge that writes not yet on the standby may be lost" }) : z.boolean(),
  });
}

/**
 * Switchover / failover request: candidate (default from preflight), the
 * live preflight checklist with overrides, reason, optional schedule
 * (switchover), RPO acknowledgement (failover) and the typed cluster name.
 * The button waits for all of them; the server checks everything again.
 */
export function OperationDialog({ cluster, kind, open, onClose }: { cluster: ClusterDetail; kind: OperationKindName; open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title={kind === "switchover" ? `Switchover: ${cluster.name}` : `Failover: ${cluster.name}`} role="alertdialog" testId="operation-dialog" actions={null}>
      {open ? <OperationForm cluster={cluster} kind={kind} onClose={onClose} /> : null}
    </Dialog>
  );
}

function OperationForm({ cluster, kind, onClose }: { cluster: ClusterDetail; kind: OperationKindName; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [candidate, setCandidate] = useState<string | undefined>();
  const [overrides, setOverrides] = useState<OverridableCheck[]>([]);
  const schema = useMemo(() => formSchema(cluster.name, kind), [cluster.name, kind]);
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { reason: "", confirmName: "", scheduledAt: "", acknowledgeDataLoss: false },
    mode: "onTouched",
  });
  const { register, handleSubmit, watch, formState } = form;
  const preflight = useQuery(
    trpc.clusters.preflight.queryOptions({ clusterId: cluster.id, kind, candidate }, { refetchInterval: 2_000, placeholderData: keepPreviousData }),
  );
  const switchover = useMutation(trpc.clusters.switchover.mutationOptions());
  const failover = useMutation(trpc.clusters.failover.mutationOptions());
  const submitError = kind === "switchover" ? switchover.error : failover.error;

  const pf = preflight.data;
  const chosen = candidate ?? pf?.candidate ?? "";
  const candidates = cluster.members.filter((m) => m.name !== cluster.primary);
  const passes = pf ? preflightPasses(pf.checks, overrides) : false;
  const reason = watch("reason");
  const typed = watch("confirmName");
  const ack = watch("acknowledgeDataLoss");
  const scheduled = watch("scheduledAt");
  const ready = passes && switchoverInput.shape.reason.safeParse(reason).success && typed.trim() === cluster.name && (kind === "switchover" || ack);

  const onSubmit = handleSubmit(async (v) => {
    const common = { clusterId: cluster.id, candidate: chosen || undefined, reason: v.reason, confirmName: v.confirmName };
    try {
      const op =
        kind === "switchover"
          ? await switchover.mutateAsync({ ...common, overrides, scheduledAt: fromLocalInputValue(v.scheduledAt) })
          : await failover.mutateAsync({ ...common, acknowledgeDataLoss: true });
      void queryClient.invalidateQueries(trpc.clusters.pathFilter());
      onClose();
      router.push(operationHref(op.id));
    } catch {
      // Shown below, in place (the mutation keeps its error); the preflight may explain it.
      void preflight.refetch();
    }
  });

  const ids = { candidate: "op-candidate", reason: "op-reason", at: "op-scheduled-at", confirm: "op-confirm-name" };
  const reasonError = formState.errors.reason?.message;
  const confirmError = formState.errors.confirmName?.message;
  const atError = formState.errors.scheduledAt?.message;
  const ackError = formState.errors.acknowledgeDataLoss?.message;
  const busy = formState.isSubmitting;

  return (
    <form onSubmit={onSubmit} noValidate className={styles.opForm} data-testid="operation-form" data-kind={kind}>
      <p className="muted">
        {kind === "switchover"
          ? "A planned move of the primary: writes pause while the candidate catches up and is promoted; the old primary rejoins as a standby."
          : "For when the primary is gone: promote the most advanced standby, and fence the old primary if it can still be reached. Writes it acknowledged but never shipped are lost."}
      </p>
      <Field id={ids.candidate} label="Candidate" hint={kind === "switchover" ? "Default: the healthiest, least-lagging standby." : "Default: the most advanced standby by position."}>
        <select id={ids.candidate} className="select" value={chosen} onChange={(e) => setCandidate(e.target.value || undefined)} data-testid="op-candidate" aria-describedby={`${ids.candidate}-hint`} disabled={candidates.length === 0}>
          {chosen === "" ? <option value="">{pf ? "No candidate" : "Choosing…"}</option> : null}
          {candidates.map((m) => (
            <option key={m.name} value={m.name}>
              {m.name} — {roleLabel[m.role].toLowerCase()}
              {m.role === "standby" ? `, ${lagText(m.lagBytes, m.lagSeconds)} behind` : ""}
              {m.name === pf?.candidate && candidate === undefined ? " (default)" : ""}
            </option>
          ))}
        </select>
      </Field>

      <div>
        <div className={styles.checksHead}>
          <span className="label">Preflight</span>
          {preflight.isFetching ? <span className="spinner faint" aria-hidden="true" /> : null}
          <span className="spacer" />
          {pf ? (
            <span className={passes ? "status-ok" : "status-bad"} data-testid="preflight-verdict" data-ok={passes ? "true" : "false"}>
              {passes ? "all checks pass" : "not safe yet"}
            </span>
          ) : null}
        </div>
        {preflight.isError && !pf ? <FormError message={errorMessage(preflight.error)} /> : null}
        {pf ? (
          <PreflightList checks={pf.checks} overrides={overrides} onOverride={(id, on) => setOverrides((o) => (on ? [...o, id] : o.filter((x) => x !== id)))} />
        ) : preflight.isPending ? (
          <p className="muted">Checking…</p>
        ) : null}
      </div>

      {kind === "failover" ? (
        <div className="alert alert-warn" data-testid="rpo-estimate">
          <span>
            <strong>Possible data loss. </strong>
            {pf?.rpoEstimateBytes != null
              ? `Up to ${formatBytes(pf.rpoEstimateBytes)} of ${cluster.kind === "postgres" ? "WAL" : "replication offset"} not on ${chosen || "the candidate"} may be lost.`
              : `The old primary's last position is unknown: writes it acknowledged after ${chosen || "the candidate"} last replayed may be lost.`}
            <label className={styles.ack}>
              <input type="checkbox" {...register("acknowledgeDataLoss")} data-testid="op-ack" aria-invalid={ackError ? true : undefined} />I understand and accept this
            </label>
            {ackError ? <span className="field-error">{ackError}</span> : null}
          </span>
        </div>
      ) : null}

      <Field id={ids.reason} label="Reason" hint="Kept with the operation and in the audit log." error={reasonError}>
        <textarea
          id={ids.reason}
          className={`input ${styles.textarea}`}
          rows={3}
          placeholder="e.g. kernel patching on the primary's host"
          data-testid="op-reason"
          data-autofocus
          aria-invalid={reasonError ? true : undefined}
          aria-describedby={describedBy(ids.reason, { hint: true, error: !!reasonError })}
          {...register("reason")}
        />
      </Field>

      {kind === "switchover" ? (
        <Field id={ids.at} label="Start at (optional)" hint="Your time zone. Leave empty to start now; a scheduled switchover can be cancelled until it starts." error={atError}>
          <input
            id={ids.at}
            type="datetime-local"
            className="input"
            data-testid="op-scheduled-at"
            aria-invalid={atError ? true : undefined}
            aria-describedby={describedBy(ids.at, { hint: true, error: !!atError })}
            {...register("scheduledAt")}
          />
        </Field>
      ) : null}

      <Field
        id={ids.confirm}
        label={
          <>
            Type <strong className="mono">{cluster.name}</strong> to confirm
          </>
        }
        error={confirmError}
      >
        <input
          id={ids.confirm}
          className="input"
          autoComplete="off"
          spellCheck={false}
          data-testid="op-confirm-name"
          aria-invalid={confirmError ? true : undefined}
          aria-describedby={describedBy(ids.confirm, { error: !!confirmError })}
          {...register("confirmName")}
        />
      </Field>

      <OperationRequestError err={submitError} runningOperationId={pf?.runningOperationId ?? cluster.activeOperation?.id ?? null} />

      <div className={styles.opActions}>
        {!ready && pf ? <span className="muted">{!passes ? "Waiting for the preflight to pass." : "Reason, acknowledgement and the typed name are required."}</span> : null}
        <span className="spacer" />
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className={kind === "failover" ? "btn btn-danger" : "btn btn-primary"} disabled={!ready || busy} data-testid="op-submit">
          {busy ? <span className="spinner" aria-hidden="true" /> : null}
          {kind === "failover" ? "Fail over" : scheduled ? "Schedule switchover" : "Switch over now"}
        </button>
      </div>
    </form>
  );
}
