"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { useRole } from "@/components/health/use-role";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError, describedBy } from "@/components/ui/field";
import { resolveOperationInput } from "@/server/failover/schemas";
import type { OperationStatusName } from "@/server/failover/types";
import styles from "./clusters.module.css";
import { kindLabel } from "./format";

type Op = { id: string; kind: "switchover" | "failover"; status: OperationStatusName };

/** Cancel (operator, scheduled only) and Resolve (admin, needs attention only). Renders nothing when neither applies. */
export function OperationActions({ op, small }: { op: Op; small?: boolean }) {
  const { canOperate, isAdmin } = useRole();
  const [cancelling, setCancelling] = useState(false);
  const [resolving, setResolving] = useState(false);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cancel = useMutation(trpc.clusters.cancel.mutationOptions());
  const cls = small ? "btn btn-sm" : "btn";
  return (
    <>
      {(op.status === "scheduled" || op.status === "pending") && canOperate ? (
        <button type="button" className={cls} onClick={() => setCancelling(true)} data-testid="cancel-operation">
          Cancel {kindLabel[op.kind].toLowerCase()}
        </button>
      ) : null}
      {op.status === "needs_attention" && isAdmin ? (
        <button type="button" className={`${cls} btn-primary`} onClick={() => setResolving(true)} data-testid="resolve-operation">
          Resolve…
        </button>
      ) : null}
      <ConfirmDialog
        open={cancelling}
        onClose={() => setCancelling(false)}
        title={`Cancel the scheduled ${op.kind}?`}
        confirmLabel={`Cancel ${op.kind}`}
        confirmTestId="confirm-cancel-operation"
        onConfirm={async () => {
          await cancel.mutateAsync({ id: op.id });
          await queryClient.invalidateQueries(trpc.clusters.pathFilter());
        }}
      >
        <p>It will not run. The request and its cancellation stay in the history and the audit log.</p>
      </ConfirmDialog>
      <ResolveDialog op={op} open={resolving} onClose={() => setResolving(false)} />
    </>
  );
}

type ResolveValues = z.input<typeof resolveOperationInput>;

function ResolveDialog({ op, open, onClose }: { op: Op; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const resolve = useMutation(trpc.clusters.resolve.mutationOptions());
  const form = useForm<ResolveValues, unknown, z.output<typeof resolveOperationInput>>({
    resolver: zodResolver(resolveOperationInput),
    defaultValues: { id: op.id, outcome: "succeeded", note: "" },
    mode: "onTouched",
  });
  const { register, handleSubmit, formState, reset } = form;
  const close = () => {
    reset();
    resolve.reset();
    onClose();
  };
  const onSubmit = handleSubmit(async (v) => {
    try {
      await resolve.mutateAsync(v);
      await queryClient.invalidateQueries(trpc.clusters.pathFilter());
      close();
    } catch {
      // shown in place
    }
  });
  const noteError = formState.errors.note?.message;
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Resolve the operation"
      testId="resolve-dialog"
      actions={
        <>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" form="resolve-form" className="btn btn-primary" disabled={formState.isSubmitting} data-testid="resolve-submit">
            Resolve
          </button>
        </>
      }
    >
      <form id="resolve-form" onSubmit={onSubmit} noValidate className="stack" style={{ gap: 10 }}>
        <p className="muted">Bulwark stopped because the cluster needs a person. Say what you found once you have checked the members by hand.</p>
        <fieldset className={styles.outcomes}>
          <legend className="label">Outcome</legend>
          <label>
            <input type="radio" value="succeeded" {...register("outcome")} data-autofocus /> The primary moved: mark it succeeded
          </label>
          <label>
            <input type="radio" value="failed" {...register("outcome")} /> It did not: mark it failed
          </label>
        </fieldset>
        <Field id="resolve-note" label="What you checked" error={noteError}>
          <textarea
            id="resolve-note"
            className={`input ${styles.textarea}`}
            rows={3}
            data-testid="resolve-note"
            aria-invalid={noteError ? true : undefined}
            aria-describedby={describedBy("resolve-note", { error: !!noteError })}
            {...register("note")}
          />
        </Field>
        <FormError message={resolve.error ? errorMessage(resolve.error) : undefined} />
      </form>
    </Dialog>
  );
}
