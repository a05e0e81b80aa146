"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Controller, useForm } from "react-hook-form";
import { useTRPC } from "@/components/trpc/client";
import { applyServerErrors } from "@/components/trpc/errors";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError, describedBy } from "@/components/ui/field";
import { formatDateTime, toLocalInputValue } from "@/components/ui/format";
import { IconPlus } from "@/components/ui/icons";
import { useNow } from "@/components/ui/use-now";
import { maintenanceInput } from "@/server/health/schemas";
import styles from "./component.module.css";
import { formatInterval, weekdays } from "./format";
import { IconTrash, IconWrench } from "./icons";
import type { ComponentDetail, MaintenanceWindow } from "./types";

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayFmt = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });

/**
 * Weekly days are stored as UTC weekdays (the prober compares in UTC); people
 * pick them in their own zone. The shift is how far the UTC weekday of the
 * first start is from its local weekday (0, +1 or −1 as 6).
 */
function utcShift(start: Date): number {
  return (start.getUTCDay() - start.getDay() + 7) % 7;
}
const toUtcDays = (local: number[], start: Date) => local.map((d) => (d + utcShift(start)) % 7).sort();
const toLocalDays = (utc: number[], start: Date) => utc.map((d) => (d - utcShift(start) + 7) % 7).sort();

function describe(w: MaintenanceWindow): string {
  if (w.weeklyDays && w.weeklyDays.length) {
    const days = toLocalDays(w.weeklyDays, w.startsAt).map((d) => weekdays[d]).join(", ");
    return `Every ${days}, ${timeFmt.format(w.startsAt)} for ${formatInterval(w.endsAt.getTime() - w.startsAt.getTime())} (from ${dayFmt.format(w.startsAt)})`;
  }
  return `${formatDateTime(w.startsAt)} → ${formatDateTime(w.endsAt)}`;
}

function phase(w: MaintenanceWindow, now: number | null): "active" | "upcoming" | "past" | "weekly" {
  if (w.weeklyDays && w.weeklyDays.length) return "weekly";
  if (now === null) return "upcoming";
  if (now >= w.endsAt.getTime()) return "past";
  return now >= w.startsAt.getTime() ? "active" : "upcoming";
}

/** Windows for this component and its whole service: checks go on, alerts and SLOs leave the time out. */
export function MaintenanceCard({ c, canOperate }: { c: ComponentDetail; canOperate: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(30_000);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<MaintenanceWindow | null>(null);
  const remove = useMutation(trpc.health.removeMaintenance.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.health.component.queryFilter({ id: c.id })) }));

  return (
    <section className="card" aria-labelledby="maint-title" data-testid="maintenance-card">
      <div className="card-header">
        <IconWrench />
        <h2 id="maint-title">Maintenance windows</h2>
        <span className="spacer" />
        {canOperate ? (
          <button type="button" className="btn btn-sm" onClick={() => setAdding(true)} data-testid="add-maintenance">
            <IconPlus />
            Add
          </button>
        ) : null}
      </div>
      {c.maintenance.length === 0 ? (
        <div className="card-body muted">None. During a window the component is still checked, but no alerts fire and the time is left out of SLOs.</div>
      ) : (
        <ul className={styles.plainList}>
          {c.maintenance.map((w) => {
            const p = phase(w, now);
            return (
              <li key={w.id} className={styles.maintItem} data-testid="maintenance-window">
                <div className={styles.maintText}>
                  <span>{describe(w)}</span>
                  <span className="muted">{w.reason}</span>
                </div>
                <span className={p === "active" ? "badge badge-accent" : "badge"}>{p === "active" ? "in progress" : p}</span>
                {w.scope === "service" ? <span className="badge" title="Applies to every component of the service">whole service</span> : null}
                {canOperate ? (
                  <button type="button" className="btn btn-sm btn-ghost btn-icon" aria-label={`Remove window: ${w.reason}`} title="Remove" onClick={() => setRemoving(w)}>
                    <IconTrash />
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      <AddMaintenanceDialog c={c} open={adding} onClose={() => setAdding(false)} />
      <ConfirmDialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        title="Remove this maintenance window?"
        confirmLabel="Remove"
        onConfirm={async () => {
          if (removing) await remove.mutateAsync({ id: removing.id });
        }}
      >
        {removing ? (
          <p>
            {describe(removing)} — {removing.reason}. {removing.scope === "service" ? `It covers every component of ${c.serviceName}.` : ""} Alerts fire again for
            that time.
          </p>
        ) : null}
      </ConfirmDialog>
    </section>
  );
}

function inOneHour(h: number): string {
  const d = new Date();
  d.setMinutes(0, 0, 0);
  d.setHours(d.getHours() + h);
  return toLocalInputValue(d.toISOString());
}

function AddMaintenanceDialog({ c, open, onClose }: { c: ComponentDetail; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [weekly, setWeekly] = useState(false);
  const [formError, setFormError] = useState<string>();
  const add = useMutation(trpc.health.addMaintenance.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.health.component.pathFilter()) }));
  const {
    register,
    control,
    handleSubmit,
    setError,
    setValue,
    getValues,
    watch,
    reset,
    formState: { errors, isSubmitting },
  } = useForm({
    resolver: zodResolver(maintenanceInput),
    defaultValues: { componentId: c.id, serviceId: undefined as string | undefined, startsAt: inOneHour(1), endsAt: inOneHour(2), weeklyDays: undefined as number[] | undefined, reason: "" },
  });
  const scope = watch("serviceId") ? "service" : "component";

  const close = () => {
    reset();
    setWeekly(false);
    setFormError(undefined);
    onClose();
  };

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    try {
      const start = values.startsAt;
      await add.mutateAsync({ ...values, weeklyDays: values.weeklyDays && start instanceof Date ? toUtcDays(values.weeklyDays, start) : values.weeklyDays });
      close();
    } catch (err) {
      setFormError(applyServerErrors(err, setError, ["startsAt", "endsAt", "reason", "weeklyDays", "componentId"]));
    }
  });

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Add a maintenance window"
      testId="maintenance-dialog"
      actions={
        <>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" form="maintenance-form" className="btn btn-primary" disabled={isSubmitting} data-testid="maintenance-submit">
            Add window
          </button>
        </>
      }
    >
      <form id="maintenance-form" onSubmit={onSubmit} noValidate className="stack" style={{ gap: 12 }}>
        <FormError message={formError} />
        <fieldset className={styles.fieldset}>
          <legend className="label">Applies to</legend>
          <label className="row" style={{ gap: 6 }}>
            <input type="radio" name="m-scope" checked={scope === "component"} onChange={() => { setValue("serviceId", undefined); setValue("componentId", c.id); }} data-autofocus />
            This component ({c.name})
          </label>
          <label className="row" style={{ gap: 6 }}>
            <input type="radio" name="m-scope" checked={scope === "service"} onChange={() => { setValue("componentId", undefined); setValue("serviceId", c.serviceId); }} />
            Every component of {c.serviceName}
          </label>
          {errors.componentId ? <span className="field-error">{errors.componentId.message}</span> : null}
        </fieldset>
        <fieldset className={styles.fieldset}>
          <legend className="label">Repeats</legend>
          <label className="row" style={{ gap: 6 }}>
            <input type="radio" name="m-kind" checked={!weekly} onChange={() => { setWeekly(false); setValue("weeklyDays", undefined); }} />
            Once
          </label>
          <label className="row" style={{ gap: 6 }}>
            <input type="radio" name="m-kind" checked={weekly} onChange={() => {
                setWeekly(true);
                const start = new Date(String(getValues("startsAt")));
                setValue("weeklyDays", [Number.isNaN(start.getTime()) ? new Date().getDay() : start.getDay()]);
              }} />
            Every week, on these days
          </label>
          {weekly ? (
            <Controller
              control={control}
              name="weeklyDays"
              render={({ field }) => (
                <div className={styles.dayGroup} role="group" aria-label="Days of the week">
                  {weekdays.map((d, i) => {
                    const on = field.value?.includes(i) ?? false;
                    return (
                      <label key={d} className={styles.dayChip}>
                        <input
                          type="checkbox"
                          checked={on}
                          onChange={() => field.onChange(on ? (field.value ?? []).filter((x) => x !== i) : [...(field.value ?? []), i].sort())}
                        />
                        {d}
                      </label>
                    );
                  })}
                </div>
              )}
            />
          ) : null}
          {errors.weeklyDays ? <span className="field-error">{errors.weeklyDays.message ?? "Choose at least one day"}</span> : null}
        </fieldset>
        <div className="form-grid" style={{ gridTemplateColumns: "1fr 1fr" }}>
          <Field id="m-start" label={weekly ? "First start" : "Starts"} error={errors.startsAt?.message}>
            <Controller
              control={control}
              name="startsAt"
              render={({ field }) => (
                <input id="m-start" type="datetime-local" className="input" value={typeof field.value === "string" ? field.value : ""} onChange={(e) => field.onChange(e.target.value)} aria-invalid={errors.startsAt ? true : undefined} />
              )}
            />
          </Field>
          <Field id="m-end" label={weekly ? "First end" : "Ends"} error={errors.endsAt?.message}>
            <Controller
              control={control}
              name="endsAt"
              render={({ field }) => (
                <input id="m-end" type="datetime-local" className="input" value={typeof field.value === "string" ? field.value : ""} onChange={(e) => field.onChange(e.target.value)} aria-invalid={errors.endsAt ? true : undefined} aria-describedby={describedBy("m-end", { error: !!errors.endsAt })} />
              )}
            />
          </Field>
        </div>
        <p className="hint">Times are in your time zone{weekly ? "; the window repeats at the same time of day on each chosen day" : ""}.</p>
        <Field id="m-reason" label="Reason" error={errors.reason?.message}>
          <input id="m-reason" className="input" placeholder="e.g. PostgreSQL minor upgrade" aria-invalid={errors.reason ? true : undefined} aria-describedby={describedBy("m-reason", { error: !!errors.reason })} {...register("reason")} />
        </Field>
      </form>
    </Dialog>
  );
}

