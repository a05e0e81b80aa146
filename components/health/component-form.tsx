"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormProvider, type Path, useForm } from "react-hook-form";
import type { z } from "zod";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { FormError } from "@/components/ui/field";
import { type ComponentInput, type ComponentKind, type ComponentSpec, componentInput, kindConfig, kindDefaults } from "@/server/health/schemas";
import { NumberField, SecondsField, TextField, TextListField, parseTags } from "./form-fields";
import styles from "./form.module.css";
import { formatInterval } from "./format";
import { IconZap } from "./icons";
import { KindFields } from "./kind-fields";
import { KindPicker } from "./kind-picker";
import { ProbeResultPanel } from "./probe-result";
import { PushUrlOnce } from "./push-url";
import { serverFieldErrors } from "./server-errors";
import { kindLabel } from "./state";
import { detailToInput } from "./to-input";
import type { ComponentDetail } from "./types";

/** Fields every kind has, in the order the form shows them. */
const commonPaths = ["kind", "name", "service", "tags", "intervalMs", "timeoutMs", "unhealthyThreshold", "healthyThreshold", "degradedLatencyMs"] as const;

/** Text fields start empty (so the inputs are controlled); the rest take the schema's defaults. */
function configDefaults(kind: ComponentKind): Record<string, unknown> {
  const schema = kindConfig[kind] as unknown as z.ZodObject;
  const parsed = schema.partial().safeParse({});
  const blanks = Object.fromEntries(
    Object.keys(schema.shape)
      .filter((k) => ["url", "host", "user", "database"].includes(k))
      .map((k) => [k, ""]),
  );
  return { ...blanks, ...(parsed.success ? parsed.data : {}) };
}

function emptyComponent(kind: ComponentKind): ComponentInput {
  return { kind, name: "", service: "", tags: [], config: configDefaults(kind), degradedLatencyMs: null, ...kindDefaults[kind] } as ComponentInput;
}

/** Server keys (`config.url`, `component.config.url`, `tags.2`) → the form field that shows them. */
function placeServerErrors(err: unknown, kind: ComponentKind, setError: (p: Path<ComponentInput>, e: { type: string; message: string }, o?: { shouldFocus: boolean }) => void): string | undefined {
  const fe = serverFieldErrors(err);
  if (!fe) return errorMessage(err);
  const known: string[] = [...commonPaths, ...Object.keys((kindConfig[kind] as unknown as z.ZodObject).shape).map((k) => `config.${k}`)];
  let placed = 0;
  let unplaced = false;
  for (const [rawKey, messages] of Object.entries(fe)) {
    const message = messages?.[0];
    if (!message) continue;
    const key = rawKey.replace(/^component\./, "");
    const target = known.find((k) => key === k || key.startsWith(`${k}.`));
    if (target) {
      setError(target as Path<ComponentInput>, { type: "server", message }, { shouldFocus: placed === 0 });
      placed++;
    } else unplaced = true;
  }
  return placed > 0 && !unplaced ? undefined : errorMessage(err);
}

type Props = { detail?: ComponentDetail };

/**
 * Create (no `detail`) or edit a component. Validated in the browser with the
 * same zod schema the server uses; the server's field errors land on the same
 * fields. Durations are milliseconds in the form state and seconds on screen.
 */
export function ComponentForm({ detail }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const editing = detail !== undefined;
  const [chosen, setChosen] = useState(editing);
  const [formError, setFormError] = useState<string>();
  const [created, setCreated] = useState<{ id: string; token: string } | null>(null);
  const services = useQuery(trpc.health.services.queryOptions());

  const form = useForm<ComponentInput, unknown, ComponentSpec>({
    resolver: zodResolver<ComponentInput, unknown, ComponentSpec>(componentInput),
    defaultValues: detail ? detailToInput(detail) : emptyComponent("http"),
    mode: "onTouched",
  });
  const { handleSubmit, getValues, setError, reset, trigger, watch, getFieldState, formState } = form;
  const kind = watch("kind");
  const serviceName = watch("service");
  const isNewService = Boolean(serviceName?.trim()) && services.data !== undefined && !services.data.some((s) => s.name.toLowerCase() === serviceName.trim().toLowerCase());

  const testNow = useMutation(trpc.health.testNow.mutationOptions());
  const create = useMutation(trpc.health.createComponent.mutationOptions());
  const update = useMutation(trpc.health.updateComponent.mutationOptions());

  const chooseKind = (k: ComponentKind) => {
    setChosen(true);
    if (k === kind) return;
    const prev = getValues();
    const next = emptyComponent(k);
    const carried: Record<string, unknown> = {};
    const prevConfig = prev.config as Record<string, unknown>;
    for (const key of ["host", "user"]) if (key in (next.config as Record<string, unknown>) && typeof prevConfig[key] === "string" && prevConfig[key]) carried[key] = prevConfig[key];
    const keep = <K extends "intervalMs" | "timeoutMs" | "unhealthyThreshold" | "healthyThreshold">(f: K) => (getFieldState(f).isDirty ? prev[f] : next[f]);
    reset(
      {
        ...next,
        name: prev.name,
        service: prev.service,
        tags: prev.tags,
        degradedLatencyMs: prev.degradedLatencyMs,
        config: { ...(next.config as Record<string, unknown>), ...carried },
        intervalMs: keep("intervalMs"),
        timeoutMs: keep("timeoutMs"),
        unhealthyThreshold: keep("unhealthyThreshold"),
        healthyThreshold: keep("healthyThreshold"),
      } as ComponentInput,
      { keepDirty: true, keepDefaultValues: true },
    );
    testNow.reset();
  };

  const refresh = () =>
    Promise.all([queryClient.invalidateQueries(trpc.health.overview.queryFilter()), queryClient.invalidateQueries(trpc.health.services.queryFilter())]);

  const onSubmit = handleSubmit(async () => {
    setFormError(undefined);
    const values = getValues();
    try {
      if (detail) {
        const res = await update.mutateAsync({ id: detail.id, component: values });
        await Promise.all([refresh(), queryClient.invalidateQueries(trpc.health.component.queryFilter({ id: detail.id }))]);
        if (res.pushToken) setCreated({ id: res.id, token: res.pushToken });
        else router.push(`/health/${detail.id}`);
      } else {
        const res = await create.mutateAsync(values);
        void refresh();
        if (res.pushToken) setCreated({ id: res.id, token: res.pushToken });
        else router.push(`/health/${res.id}`);
      }
    } catch (err) {
      setFormError(placeServerErrors(err, values.kind, setError));
    }
  });

  const runTest = async () => {
    testNow.reset();
    if (!(await trigger(undefined, { shouldFocus: true }))) return;
    testNow.mutate({ component: getValues(), id: detail?.id });
  };

  if (created) {
    return (
      <div className="stack" style={{ maxWidth: 760 }}>
        <PushUrlOnce token={created.token} onDone={() => router.push(`/health/${created.id}`)} />
      </div>
    );
  }

  const d = kindDefaults[kind];
  const busy = formState.isSubmitting;
  return (
    <FormProvider {...form}>
      <form onSubmit={onSubmit} noValidate className={`stack long-form ${styles.form}`} data-testid="component-form" aria-label={editing ? "Edit component" : "Add component"}>
        <section className="card" aria-labelledby="f-kind-title">
          <div className="card-header">
            <h2 id="f-kind-title">What to check</h2>
            {editing ? <span className="muted">Changing the kind starts its settings from the defaults.</span> : null}
          </div>
          <div className="card-body">
            <KindPicker value={chosen ? kind : null} onChange={chooseKind} autoFocus={!editing} />
          </div>
        </section>

        {chosen ? (
          <>
            <FormError message={formError} testId="component-form-error" />
            <section className="card" aria-labelledby="f-target-title">
              <div className="card-header">
                <h2 id="f-target-title">{kindLabel[kind]} target</h2>
              </div>
              <div className="card-body" key={kind}>
                <KindFields kind={kind} editing={editing} />
              </div>
            </section>

            <section className="card" aria-labelledby="f-name-title">
              <div className="card-header">
                <h2 id="f-name-title">Name and service</h2>
              </div>
              <div className="card-body form-grid">
                <TextField path="name" label="Name" placeholder="api /health" testId="field-name" />
                <TextField
                  path="service"
                  label="Service"
                  list="service-options"
                  placeholder="checkout"
                  testId="field-service"
                  hint={isNewService ? `A new service "${serviceName.trim()}" will be created.` : "Pick an existing service or type a new name."}
                />
                <datalist id="service-options">
                  {services.data?.map((s) => (
                    <option key={s.id} value={s.name} />
                  ))}
                </datalist>
                <TextListField<string[]>
                  path="tags"
                  label={<>Tags <span className="faint">(optional)</span></>}
                  placeholder="prod eu-west team:payments"
                  hint="Separated by spaces or commas."
                  format={(v) => (v ?? []).join(" ")}
                  parse={parseTags}
                />
              </div>
            </section>

            <section className="card" aria-labelledby="f-sched-title">
              <div className="card-header">
                <h2 id="f-sched-title">Schedule and thresholds</h2>
                <span className="muted">
                  {kindLabel[kind]} defaults: every {formatInterval(d.intervalMs)}, timeout {formatInterval(d.timeoutMs)}, unhealthy after {d.unhealthyThreshold}, healthy
                  after {d.healthyThreshold}
                </span>
              </div>
              <div className="card-body form-grid">
                <SecondsField path="intervalMs" label={kind === "push" ? "Expect a beat every" : "Check every"} hint="At least 1 s." testId="field-interval" />
                <SecondsField path="timeoutMs" label="Timeout" hint="Shorter than the interval." testId="field-timeout" />
                <NumberField path="unhealthyThreshold" label="Unhealthy after" suffix="failures" hint="Consecutive failed checks." testId="field-unhealthy" />
                <NumberField path="healthyThreshold" label="Healthy after" suffix="passes" hint="Consecutive passed checks to recover." testId="field-healthy" />
                {kind !== "push" ? (
                  <NumberField path="degradedLatencyMs" label={<>Degraded above <span className="faint">(optional)</span></>} suffix="ms" hint="A passing check slower than this is degraded. Empty: never." />
                ) : null}
              </div>
            </section>

            {testNow.data ? <ProbeResultPanel result={testNow.data} onDismiss={() => testNow.reset()} /> : null}
            {testNow.isError ? <FormError message={errorMessage(testNow.error)} testId="test-error" /> : null}

            <div className="form-actions form-actions-sticky">
              <button type="submit" className="btn btn-primary" disabled={busy} data-testid="component-submit">
                {busy ? <span className="spinner" aria-hidden="true" /> : null}
                {editing ? "Save changes" : "Add component"}
              </button>
              {kind !== "push" ? (
                <button type="button" className="btn" onClick={() => void runTest()} disabled={testNow.isPending} data-testid="component-test">
                  {testNow.isPending ? <span className="spinner" aria-hidden="true" /> : <IconZap />}
                  Test now
                </button>
              ) : null}
              <Link href={detail ? `/health/${detail.id}` : "/health"} className="btn btn-ghost">
                Cancel
              </Link>
              <span className="hint">Test now runs one check with these settings without saving.</span>
            </div>
          </>
        ) : (
          <p className="muted">Choose a kind to see its settings.</p>
        )}
      </form>
    </FormProvider>
  );
}
