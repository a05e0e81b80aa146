"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Controller, useForm } from "react-hook-form";
import { useTRPC } from "@/components/trpc/client";
import { applyServerErrors } from "@/components/trpc/errors";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError, describedBy } from "@/components/ui/field";
import { formatDateTime, fromLocalInputValue, toLocalInputValue } from "@/components/ui/format";
import { IconPlus } from "@/components/ui/icons";
import { IconTrash } from "@/components/health/icons";
import { adjustmentInput } from "@/server/slo/schemas";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import styles from "./slo.module.css";
import type { SloDetailData } from "./types";

type Adjustment = SloDetailData["adjustments"][number];

function span(a: { start: Date; end: Date }): string {
  return `${formatDateTime(a.start)} → ${formatDateTime(a.end)}`;
}

/** Time ranges left out of the SLI (a planned drill, a known upstream outage), each with its reason; audited. */
export function AdjustmentsCard({ sloId, adjustments, canOperate }: { sloId: string; adjustments: Adjustment[]; canOperate: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Adjustment | null>(null);
  const remove = useMutation(trpc.slo.removeAdjustment.mutationOptions());
  const refresh = () => Promise.all([queryClient.invalidateQueries(trpc.slo.detail.queryFilter({ id: sloId })), queryClient.invalidateQueries(trpc.slo.series.pathFilter())]);
  const sorted = [...adjustments].sort((a, b) => b.start.getTime() - a.start.getTime());

  return (
    <section className="card" aria-labelledby="adj-title" data-testid="adjustments-card">
      <div className="card-header">
        <h2 id="adj-title">Budget adjustments</h2>
        <span className="spacer" />
        {canOperate ? (
          <button type="button" className="btn btn-sm" onClick={() => setAdding(true)} data-testid="add-adjustment">
            <IconPlus />
            Add
          </button>
        ) : null}
      </div>
      {sorted.length === 0 ? (
        <div className="card-body muted">None. An adjustment leaves a time range out of the SLI, e.g. a planned drill; it shows shaded on the charts.</div>
      ) : (
        <ul className={styles.plainList}>
          {sorted.map((a) => (
            <li key={a.id} className={styles.item} data-testid="adjustment">
              <div className={styles.itemText}>
                <span className="num">{span(a)}</span>
                <span className="muted">{a.reason}</span>
              </div>
              {canOperate ? (
                <button type="button" className="btn btn-sm btn-ghost btn-icon" aria-label={`Remove adjustment: ${a.reason}`} title="Remove" onClick={() => setRemoving(a)} data-testid="remove-adjustment">
                  <IconTrash />
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <AddAdjustmentDialog sloId={sloId} open={adding} onClose={() => setAdding(false)} onAdded={refresh} />
      <ConfirmDialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        title="Remove this adjustment?"
        confirmLabel="Remove"
        testId="remove-adjustment-dialog"
        onConfirm={async () => {
          if (!removing) return;
          await remove.mutateAsync({ id: removing.id });
          await refresh();
        }}
      >
        {removing ? (
          <p>
            {span(removing)} — {removing.reason}. That time counts toward the SLI again from the next evaluation.
          </p>
        ) : null}
      </ConfirmDialog>
    </section>
  );
}

function hoursAgo(h: number): string {
  const d = new Date();
  d.setMinutes(0, 0, 0);
  d.setHours(d.getHours() - h);
  return toLocalInputValue(d.toISOString());
}

function AddAdjustmentDialog({ sloId, open, onClose, onAdded }: { sloId: string; open: boolean; onClose: () => void; onAdded: () => Promise<unknown> }) {
  const trpc = useTRPC();
  const [formError, setFormError] = useState<string>();
  const add = useMutation(trpc.slo.addAdjustment.mutationOptions());
  const {
    register,
    control,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isSubmitting },
  } = useForm({
    resolver: zodResolver(adjustmentInput),
    defaultValues: { sloId, start: hoursAgo(2) as unknown as Date, end: hoursAgo(1) as unknown as Date, reason: "" },
  });

  const close = () => {
    reset({ sloId, start: hoursAgo(2) as unknown as Date, end: hoursAgo(1) as unknown as Date, reason: "" });
    setFormError(undefined);
    onClose();
  };

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    try {
      await add.mutateAsync(values);
      await onAdded();
      close();
    } catch (err) {
      setFormError(applyServerErrors(err, setError, ["start", "end", "reason"]));
    }
  });

  // datetime-local in the viewer's zone in the form; zod coerces the local string to the instant it names.
  const dateInput = (name: "start" | "end", label: string) => (
    <Field id={`adj-${name}`} label={label} error={errors[name]?.message}>
      <Controller
        control={control}
        name={name}
        render={({ field }) => (
          <input
            id={`adj-${name}`}
            ref={field.ref}
            type="datetime-local"
            className="input"
            value={field.value instanceof Date ? toLocalInputValue(field.value.toISOString()) : toLocalInputValue(String(field.value ?? ""))}
            onChange={(e) => field.onChange(e.target.value ? (fromLocalInputValue(e.target.value) ?? e.target.value) : "")}
            onBlur={field.onBlur}
            data-testid={`adjustment-${name}`}
            aria-invalid={errors[name] ? true : undefined}
            aria-describedby={describedBy(`adj-${name}`, { error: !!errors[name] })}
          />
        )}
      />
    </Field>
  );

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Add a budget adjustment"
      testId="adjustment-dialog"
      actions={
        <>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" form="adjustment-form" className="btn btn-primary" disabled={isSubmitting} data-testid="adjustment-submit">
            {isSubmitting ? <span className="spinner" aria-hidden="true" /> : null}
            Add adjustment
          </button>
        </>
      }
    >
      <form id="adjustment-form" onSubmit={onSubmit} noValidate className="stack" style={{ gap: 12 }}>
        <FormError message={formError} />
        <p className="muted">Events in this range are left out of the SLI and the budget. The change is recorded in the audit log.</p>
        <div className="form-grid" style={{ gridTemplateColumns: "1fr 1fr" }}>
          {dateInput("start", "Start")}
          {dateInput("end", "End")}
        </div>
        <p className="hint">Times are in your time zone.</p>
        <Field id="adj-reason" label="Reason" error={errors.reason?.message}>
          <input
            id="adj-reason"
            className="input"
            placeholder="e.g. planned failover drill"
            data-autofocus
            data-testid="adjustment-reason"
            aria-invalid={errors.reason ? true : undefined}
            aria-describedby={describedBy("adj-reason", { error: !!errors.reason })}
            {...register("reason")}
          />
        </Field>
      </form>
    </Dialog>
  );
}
