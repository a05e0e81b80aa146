"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { Controller, FormProvider, type Path, useForm, useFormContext, useWatch } from "react-hook-form";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { Field, FormError, describedBy } from "@/components/ui/field";
import { serverFieldErrors } from "@/components/health/server-errors";
import { useHealthOverview } from "@/components/health/use-overview";
import { WORKBOOK_RULES } from "@/server/slo/math/burn-alerts";
import { type SloInput, type SloParsed, budgetingMethods, calendarUnits, slugify, sloInput } from "@/server/slo/schemas";
import { errorAt, toNumber } from "@/components/ui/form-values";
import { type SloPath, LabelsField, NumberField, PercentField, TextAreaField, TextField, fieldId } from "./form-fields";
import { methodLabel } from "./format";
import { PreviewPanel } from "./preview";
import styles from "./slo.module.css";
import type { SloDetailData } from "./types";

/** Every path the form shows; server field errors under one of these land on it. */
const formPaths = [
  "name",
  "service",
  "key",
  "owner",
  "description",
  "labels",
  "sli.source",
  "sli.componentId",
  "sli.measure",
  "sli.thresholdMs",
  "sli.url",
  "sli.goodQuery",
  "sli.totalQuery",
  "objective",
  "window.days",
  "window.unit",
  "window.kind",
  "budgetingMethod",
  "timesliceTarget",
  "alerting.minShortWindowEvents",
  "alerting.overrides",
] as const;

/**
 * Inputs of every source and window kind sit side by side in the form state, so
 * switching back and forth keeps what was typed; the discriminated unions in the
 * schema drop the fields of the kinds not chosen.
 */
function blank(): SloInput {
  return {
    name: "",
    service: "",
    key: undefined,
    owner: "",
    description: "",
    labels: {},
    sli: { source: "probe", componentId: "", measure: "availability", thresholdMs: undefined, url: "", goodQuery: "", totalQuery: "" },
    objective: 0.999,
    window: { kind: "rolling", days: 30, unit: "month" },
    budgetingMethod: "occurrences",
    timesliceTarget: undefined,
    alerting: { minShortWindowEvents: undefined, overrides: {} },
  } as unknown as SloInput;
}

export function detailToInput(d: SloDetailData["slo"]): SloInput {
  const b = blank() as unknown as Record<string, Record<string, unknown>>;
  return {
    name: d.name,
    service: d.serviceName,
    key: d.key,
    owner: d.owner,
    description: d.description,
    labels: d.labels,
    sli: { ...b.sli, ...d.sli },
    objective: d.objective,
    window: { ...b.window, ...d.window },
    budgetingMethod: d.budgetingMethod,
    timesliceTarget: d.timesliceTarget ?? undefined,
    alerting: { minShortWindowEvents: d.alerting.minShortWindowEvents, overrides: d.alerting.overrides ?? {} },
  } as unknown as SloInput;
}

type SetError = (p: Path<SloInput>, e: { type: string; message: string }, o?: { shouldFocus: boolean }) => void;

function placeServerErrors(err: unknown, setError: SetError): string | undefined {
  const fe = serverFieldErrors(err);
  if (!fe) return errorMessage(err);
  let placed = 0;
  let unplaced = false;
  for (const [key, messages] of Object.entries(fe)) {
    const message = messages?.[0];
    if (!message) continue;
    const target = [...formPaths].sort((a, b) => b.length - a.length).find((k) => key === k || key.startsWith(`${k}.`));
    if (target) {
      setError(target as Path<SloInput>, { type: "server", message }, { shouldFocus: placed === 0 });
      placed++;
    } else unplaced = true;
  }
  return placed > 0 && !unplaced ? undefined : errorMessage(err);
}

/** Create (no `detail`) or edit an SLO, beside a live preview of what it would have been. */
export function SloForm({ detail }: { detail?: SloDetailData["slo"] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [formError, setFormError] = useState<string>();
  const services = useQuery(trpc.health.services.queryOptions());
  const form = useForm<SloInput, unknown, SloParsed>({
    resolver: zodResolver<SloInput, unknown, SloParsed>(sloInput),
    defaultValues: detail ? detailToInput(detail) : blank(),
    mode: "onTouched",
  });
  const { handleSubmit, setError, control, register, setValue, formState } = form;
  const values = useWatch({ control }) as SloInput;
  const create = useMutation(trpc.slo.create.mutationOptions());
  const update = useMutation(trpc.slo.update.mutationOptions());

  const onSubmit = handleSubmit(
    async (parsed) => {
      setFormError(undefined);
      try {
        const res = detail ? await update.mutateAsync({ ...parsed, id: detail.id }) : await create.mutateAsync(parsed);
        await Promise.all([queryClient.invalidateQueries(trpc.slo.list.pathFilter()), queryClient.invalidateQueries(trpc.slo.detail.queryFilter({ id: res.id }))]);
        router.push(`/slos/${res.id}`);
      } catch (err) {
        setFormError(placeServerErrors(err, setError));
      }
    },
    () => setFormError(undefined),
  );

  const serviceName = values.service ?? "";
  const isNewService = Boolean(serviceName.trim()) && services.data !== undefined && !services.data.some((s) => s.name.toLowerCase() === serviceName.trim().toLowerCase());
  const source = values.sli?.source ?? "probe";
  const windowKind = values.window?.kind ?? "rolling";
  const method = values.budgetingMethod ?? "occurrences";
  const busy = formState.isSubmitting;

  return (
    <FormProvider {...form}>
      <div className={styles.formLayout}>
        <form onSubmit={onSubmit} noValidate className={`stack long-form ${styles.form}`} data-testid="slo-form" aria-label={detail ? "Edit SLO" : "New SLO"}>
          <FormError message={formError} testId="slo-form-error" />
          <section className="card" aria-labelledby="f-what-title">
            <div className="card-header">
              <h2 id="f-what-title">Name and owner</h2>
            </div>
            <div className="card-body form-grid">
              <TextField path="name" label="Name" placeholder="Checkout availability" testId="field-name" autoFocus={!detail} />
              <TextField
                path="service"
                label="Service"
                list="slo-service-options"
                placeholder="checkout"
                testId="field-service"
                hint={isNewService ? `A new service "${serviceName.trim()}" will be created.` : "Pick an existing service or type a new name."}
              />
              <datalist id="slo-service-options">
                {services.data?.map((s) => (
                  <option key={s.id} value={s.name} />
                ))}
              </datalist>
              <TextField path="owner" label={<>Owner <span className="faint">(optional)</span></>} placeholder="team-payments" testId="field-owner" />
              <TextField
                path="key"
                label={<>Key <span className="faint">(optional)</span></>}
                placeholder={slugify(values.name ?? "")}
                optional
                mono
                testId="field-key"
                hint="Lowercase letters, digits and dashes. Empty: made from the name. Pushed events and the API name the SLO by it."
              />
              <TextAreaField path="description" label={<>Description <span className="faint">(optional)</span></>} placeholder="What users experience when this SLO is met" className={styles.wide} />
            </div>
          </section>

          <section className="card" aria-labelledby="f-sli-title">
            <div className="card-header">
              <h2 id="f-sli-title">Indicator (SLI)</h2>
              <span className="muted">Where the good and total counts come from</span>
            </div>
            <div className="card-body stack" style={{ gap: 12 }}>
              <fieldset className={styles.radioRow}>
                <legend className="label">Source</legend>
                {(
                  [
                    ["probe", "Component probe", "A Bulwark component's checks"],
                    ["push", "Pushed events", "Your service POSTs good/total counts"],
                    ["prometheus", "Prometheus", "Two queries, read every minute"],
                  ] as const
                ).map(([v, label, hint]) => (
                  <label key={v} className={styles.choice}>
                    <input type="radio" value={v} data-testid={`source-${v}`} {...register("sli.source")} />
                    <span className={styles.choiceText}>
                      <span>{label}</span>
                      <span className={styles.choiceHint}>{hint}</span>
                    </span>
                  </label>
                ))}
              </fieldset>
              {source === "probe" ? <ProbeFields /> : null}
              {source === "push" ? <PushExplainer sloKey={values.key || detail?.key || slugify(values.name ?? "")} saved={detail !== undefined} /> : null}
              {source === "prometheus" ? (
                <div className="form-grid" style={{ gridTemplateColumns: "1fr" }}>
                  <TextField path="sli.url" type="url" label="Prometheus URL" placeholder="http://prometheus:9090" mono testId="field-prom-url" hint="The server's base URL; Bulwark calls /api/v1/query_range with a 60 s step." />
                  <TextAreaField path="sli.goodQuery" label="Good events per minute" placeholder='sum(increase(http_requests_total{code!~"5.."}[1m]))' mono testId="field-prom-good" />
                  <TextAreaField path="sli.totalQuery" label="Total events per minute" placeholder="sum(increase(http_requests_total[1m]))" mono testId="field-prom-total" />
                </div>
              ) : null}
            </div>
          </section>

          <section className="card" aria-labelledby="f-obj-title">
            <div className="card-header">
              <h2 id="f-obj-title">Objective and window</h2>
            </div>
            <div className="card-body stack" style={{ gap: 14 }}>
              <div className="form-grid">
                <PercentField path="objective" label="Objective" placeholder="99.9" testId="field-objective" hint="Above 0 % and below 100 %, e.g. 99.9." />
              </div>
              <fieldset className={styles.radioRow}>
                <legend className="label">Window</legend>
                <label className={styles.choice}>
                  <input type="radio" value="rolling" data-testid="window-rolling" {...register("window.kind")} />
                  Rolling
                </label>
                <label className={styles.choice}>
                  <input type="radio" value="calendar" data-testid="window-calendar" {...register("window.kind")} />
                  Calendar (UTC)
                </label>
              </fieldset>
              {windowKind === "rolling" ? (
                <div>
                  <NumberField path={"window.days" as SloPath} label="Days" suffix="days" testId="field-window-days" className={styles.narrow} />
                  <div className={styles.shortcuts} role="group" aria-label="Common windows">
                    {[7, 28, 30].map((d) => (
                      <button key={d} type="button" className="btn btn-sm" onClick={() => setValue("window.days" as Path<SloInput>, d as never, { shouldValidate: true, shouldDirty: true })}>
                        {d} days
                      </button>
                    ))}
                  </div>
                </div>
              ) : (
                <Field id={fieldId("window.unit")} label="Calendar period" error={errorAt(formState.errors, "window.unit")}>
                  <select id={fieldId("window.unit")} className="select" style={{ maxWidth: 220 }} data-testid="field-window-unit" {...register("window.unit" as Path<SloInput>)}>
                    {calendarUnits.map((u) => (
                      <option key={u} value={u}>
                        {u === "week" ? "Week (Monday to Sunday)" : u === "month" ? "Month" : "Quarter"}
                      </option>
                    ))}
                  </select>
                </Field>
              )}
              <fieldset className={styles.radioRow}>
                <legend className="label">Budgeting method</legend>
                {budgetingMethods.map((m) => (
                  <label key={m} className={styles.choice}>
                    <input
                      type="radio"
                      value={m}
                      data-testid={`method-${m}`}
                      {...register("budgetingMethod", {
                        onChange: (e: { target: { value: string } }) => {
                          if (e.target.value === "occurrences") setValue("timesliceTarget", undefined);
                          else if (values.timesliceTarget === undefined) setValue("timesliceTarget", 0.95);
                        },
                      })}
                    />
                    <span className={styles.choiceText}>
                      <span>{methodLabel[m]}</span>
                      <span className={styles.choiceHint}>
                        {m === "occurrences" ? "good ÷ total events" : m === "timeslices" ? "share of good minutes" : "good ÷ total, minute by minute"}
                      </span>
                    </span>
                  </label>
                ))}
              </fieldset>
              {method !== "occurrences" ? (
                <div className="form-grid">
                  <PercentField path="timesliceTarget" label="A minute is good when at least" placeholder="95" testId="field-timeslice-target" hint="of its events are good." />
                </div>
              ) : null}
            </div>
          </section>

          <section className="card" aria-labelledby="f-labels-title">
            <div className="card-header">
              <h2 id="f-labels-title">Labels</h2>
            </div>
            <div className="card-body">
              <LabelsField path="labels" label={<>Labels <span className="faint">(optional)</span></>} hint="One name=value per line. Exported to OpenSLO and Prometheus rules." testId="field-labels" />
            </div>
          </section>

          <details className={`card ${styles.advanced}`}>
            <summary>Advanced: alerting</summary>
            <div className="card-body stack" style={{ gap: 12 }}>
              <p className="muted">
                Multi-window, multi-burn-rate alerts as in the Google SRE workbook. Thresholds scale with the window; override them per rule here.
              </p>
              <NumberField
                path="alerting.minShortWindowEvents"
                label={<>Minimum events in the short window <span className="faint">(optional)</span></>}
                hint="No alert fires while the short window holds fewer events (minutes for time-slice SLOs). Empty: 10 events, or 1 minute."
                className={styles.narrow}
                testId="field-min-events"
              />
              <Controller control={control} name="alerting.overrides" render={({ field }) => <OverridesEditor value={(field.value ?? {}) as Overrides} onChange={field.onChange} error={errorAt(formState.errors, "alerting.overrides")} />} />
            </div>
          </details>

          <div className="form-actions form-actions-sticky">
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="slo-submit">
              {busy ? <span className="spinner" aria-hidden="true" /> : null}
              {detail ? "Save changes" : "Create SLO"}
            </button>
            <Link href={detail ? `/slos/${detail.id}` : "/slos"} className="btn btn-ghost">
              Cancel
            </Link>
          </div>
        </form>
        <PreviewPanel values={values} id={detail?.id} />
      </div>
    </FormProvider>
  );
}

function ProbeFields() {
  const overview = useHealthOverview();
  const { register, formState, control } = useFormContext<SloInput>();
  const measure = useWatch({ control, name: "sli.measure" as Path<SloInput> }) as string | undefined;
  const groups = useMemo(() => {
    const m = new Map<string, { service: string; items: Array<{ id: string; name: string }> }>();
    for (const c of overview.data?.components ?? []) {
      let g = m.get(c.serviceId);
      if (!g) m.set(c.serviceId, (g = { service: c.serviceName, items: [] }));
      g.items.push({ id: c.id, name: c.name });
    }
    return [...m.values()].sort((a, b) => a.service.localeCompare(b.service));
  }, [overview.data]);
  const id = fieldId("sli.componentId");
  const error = errorAt(formState.errors, "sli.componentId");
  return (
    <div className="form-grid">
      <Field id={id} label="Component" error={error} hint={groups.length === 0 && overview.data ? <>No components yet: <Link href="/health/new">add one</Link>.</> : undefined}>
        <select id={id} className="select" data-testid="field-component" aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, { error: !!error })} {...register("sli.componentId" as Path<SloInput>)}>
          <option value="">Choose a component…</option>
          {groups.map((g) => (
            <optgroup key={g.service} label={g.service}>
              {g.items.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </Field>
      <fieldset className={styles.radioRow} style={{ alignSelf: "start" }}>
        <legend className="label">Measure</legend>
        <label className={styles.choice}>
          <input type="radio" value="availability" {...register("sli.measure" as Path<SloInput>)} />
          Availability
        </label>
        <label className={styles.choice}>
          <input type="radio" value="latency" {...register("sli.measure" as Path<SloInput>)} />
          Latency
        </label>
      </fieldset>
      {measure === "latency" ? <NumberField path={"sli.thresholdMs" as SloPath} label="Good when faster than" suffix="ms" testId="field-threshold" hint="Failed checks are never good." /> : null}
    </div>
  );
}

function PushExplainer({ sloKey, saved }: { sloKey: string; saved: boolean }) {
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return (
    <div className="stack" style={{ gap: 8 }} data-testid="push-explainer">
      <p className="muted">
        Your service sends batches of counts to <code>POST /api/v1/sli</code> with an API token that has the <code>sli:write</code> scope for this service (create one in{" "}
        <Link href="/slos/settings">SLO settings</Link>). Each batch carries an idempotency key, so a retried batch is not counted twice.
      </p>
      <p>
        This SLO&apos;s key: <code data-testid="push-key">{sloKey}</code>
        {saved ? null : <span className="faint"> (once saved)</span>}
      </p>
      <pre className={styles.pre}>{`curl -X POST ${origin}/api/v1/sli \\
  -H "Authorization: Bearer $BULWARK_TOKEN" \\
  -H "Content-Type: application/json" \\
  -d '{"idempotencyKey":"batch-2024-06-01T12:00Z","events":[
        {"key":"${sloKey}","timestamp":"2024-06-01T12:00:00Z","good":998,"total":1000}]}'`}</pre>
    </div>
  );
}

type Overrides = Record<string, { threshold?: number; budgetFraction?: number; disabled?: boolean } | undefined>;

/** One row per workbook rule; empty cells keep the default. */
function OverridesEditor({ value, onChange, error }: { value: Overrides; onChange: (v: Overrides) => void; error?: string }) {
  const set = (rule: string, patch: { threshold?: number; budgetFraction?: number; disabled?: boolean }) => {
    const merged = { ...value[rule], ...patch };
    const clean = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined && v !== false));
    const next = { ...value };
    if (Object.keys(clean).length) next[rule] = clean;
    else delete next[rule];
    onChange(next);
  };
  return (
    <div>
      <table className={`table ${styles.rulesTable}`} data-testid="rule-overrides">
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Windows</th>
            <th scope="col">Threshold (burn ×)</th>
            <th scope="col">Budget share</th>
            <th scope="col">Off</th>
          </tr>
        </thead>
        <tbody>
          {WORKBOOK_RULES.map((r) => {
            const o = value[r.name] ?? {};
            return (
              <tr key={r.name}>
                <td className="mono">{r.name}</td>
                <td className="muted nowrap">
                  {r.longWindowMinutes >= 1440 ? `${r.longWindowMinutes / 1440}d` : `${r.longWindowMinutes / 60}h`} + {r.shortWindowMinutes >= 60 ? `${r.shortWindowMinutes / 60}h` : `${r.shortWindowMinutes}m`}
                </td>
                <td>
                  <OverrideNumber label={`${r.name} threshold`} value={o.threshold} placeholder="scaled" onChange={(v) => set(r.name, { threshold: v })} />
                </td>
                <td>
                  <OverrideNumber label={`${r.name} budget share (%)`} value={o.budgetFraction === undefined ? undefined : Number((o.budgetFraction * 100).toPrecision(12))} placeholder={`${r.budgetFraction * 100}%`} onChange={(v) => set(r.name, { budgetFraction: v === undefined ? undefined : Number((v / 100).toPrecision(12)) })} />
                </td>
                <td>
                  <input type="checkbox" aria-label={`Disable ${r.name}`} checked={o.disabled === true} onChange={(e) => set(r.name, { disabled: e.target.checked || undefined })} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {error ? <span className="field-error">{error}</span> : null}
    </div>
  );
}

function OverrideNumber({ label, value, placeholder, onChange }: { label: string; value: number | undefined; placeholder: string; onChange: (v: number | undefined) => void }) {
  const [text, setText] = useState(value === undefined ? "" : String(value));
  return (
    <input
      className="input num"
      aria-label={label}
      inputMode="decimal"
      placeholder={placeholder}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const n = toNumber(e.target.value);
        onChange(n as number | undefined);
      }}
    />
  );
}
