"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormProvider, type Path, type Resolver, useForm } from "react-hook-form";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { Field, FormError, describedBy } from "@/components/ui/field";
import { type ClusterAdapterName, type ClusterInputParsed, adapterLabels, clusterAdapters } from "@/server/failover/schemas";
import { serverFieldErrors } from "@/components/health/server-errors";
import { AdapterFields } from "./adapter-fields";
import styles from "./clusters.module.css";
import { TextField, fieldId } from "./form-fields";
import type { ClusterDetail } from "@/server/failover/types";
import { type ClusterFormValues, clusterFormSchema, detailToForm, emptyClusterForm } from "./form-values";
import { clusterHref } from "./format";

const blurb: Record<ClusterAdapterName, string> = {
  "postgres-streaming": "Self-managed primary and standbys. Bulwark fences, promotes and rejoins members itself.",
  patroni: "A Patroni cluster: switchover and failover through its REST API, followed to a terminal state.",
  "redis-sentinel": "A master and replicas watched by sentinels. Writes pause until the replica has caught up, so none are lost.",
};

const resolver: Resolver<ClusterFormValues, unknown, ClusterInputParsed> = zodResolver(clusterFormSchema);

/**
 * Add (no `detail`) or edit a cluster (admin). Adapter first, then its
 * connection settings, then name, service and the lag limit. On edit, secrets
 * show the redaction marker; sent back unchanged, the server keeps them.
 */
export function ClusterForm({ detail }: { detail?: ClusterDetail }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const services = useQuery(trpc.health.services.queryOptions());
  const create = useMutation(trpc.clusters.create.mutationOptions());
  const update = useMutation(trpc.clusters.update.mutationOptions());
  const editing = detail !== undefined;
  const [formError, setFormError] = useState<string>();
  const form = useForm<ClusterFormValues, unknown, ClusterInputParsed>({ resolver, defaultValues: detail ? detailToForm(detail) : emptyClusterForm(), mode: "onTouched" });
  const { handleSubmit, watch, reset, getValues, register, setError, formState } = form;
  const adapter = watch("adapter");

  const chooseAdapter = (a: ClusterAdapterName) => {
    if (a === adapter) return;
    const prev = getValues();
    reset({ ...emptyClusterForm(a), name: prev.name, description: prev.description, serviceId: prev.serviceId, maxLagMiB: prev.maxLagMiB }, { keepDefaultValues: true });
  };

  const onSubmit = handleSubmit(async (input) => {
    setFormError(undefined);
    try {
      const res = detail ? await update.mutateAsync({ id: detail.id, ...input }) : await create.mutateAsync(input);
      await queryClient.invalidateQueries(trpc.clusters.pathFilter());
      router.push(clusterHref(res.id));
    } catch (err) {
      const fe = serverFieldErrors(err);
      let unplaced = !fe;
      for (const [key, messages] of Object.entries(fe ?? {})) {
        const message = messages?.[0];
        if (!message) continue;
        const path = key === "maxLagBytes" ? "maxLagMiB" : key;
        if (document.getElementById(fieldId(path))) setError(path as Path<ClusterFormValues>, { type: "server", message });
        else unplaced = true;
      }
      if (unplaced) setFormError(errorMessage(err));
    }
  });

  const descId = fieldId("description");
  const serviceId = fieldId("serviceId");
  return (
    <FormProvider {...form}>
      <form onSubmit={onSubmit} noValidate className={`stack long-form ${styles.form}`} data-testid="cluster-form" aria-label={editing ? "Edit cluster" : "Add cluster"}>
        <section className="card" aria-labelledby="cf-adapter-title">
          <div className="card-header">
            <h2 id="cf-adapter-title">Kind of cluster</h2>
            {editing ? <span className="muted">A cluster keeps its adapter; add a new cluster for another kind.</span> : null}
          </div>
          <div className="card-body">
            <fieldset className={styles.kinds} data-testid="adapter-picker">
              <legend className="sr-only">Adapter</legend>
              {clusterAdapters.map((a, i) => (
                <label key={a} className="radio-card" data-adapter={a}>
                  <input type="radio" name="cluster-adapter" value={a} checked={adapter === a} onChange={() => chooseAdapter(a)} className="radio-card-input" autoFocus={editing ? a === adapter : i === 0} disabled={editing && a !== adapter} />
                  <span className="radio-card-name">{adapterLabels[a]}</span>
                  <span className="radio-card-blurb">{blurb[a]}</span>
                </label>
              ))}
            </fieldset>
          </div>
        </section>

        <FormError message={formError} testId="cluster-form-error" />

        <section className="card" aria-labelledby="cf-conn-title">
          <div className="card-header">
            <h2 id="cf-conn-title">{adapterLabels[adapter]}: connection</h2>
          </div>
          <div className="card-body" key={adapter}>
            <AdapterFields adapter={adapter} />
          </div>
        </section>

        <section className="card" aria-labelledby="cf-name-title">
          <div className="card-header">
            <h2 id="cf-name-title">Name and limits</h2>
          </div>
          <div className="card-body stack">
            <div className="form-grid">
              <TextField path="name" label="Name" placeholder="orders-db" hint="Typed to confirm every switchover." testId="field-name" />
              <Field id={serviceId} label="Service (optional)" hint="Its open incidents and error-budget policy gate a planned switchover.">
                <select id={serviceId} className="select" data-testid="field-service" aria-describedby={describedBy(serviceId, { hint: true })} {...register("serviceId")}>
                  <option value="">No service</option>
                  {(services.data ?? []).map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
              </Field>
              <TextField path="maxLagMiB" errorPath="maxLagBytes" label="Max lag for a candidate" numeric suffix="MiB" hint="A standby further behind is not offered." testId="field-max-lag" />
            </div>
            <Field id={descId} label="Description (optional)">
              <textarea id={descId} className={`input ${styles.textarea}`} rows={2} data-testid="field-description" {...register("description")} />
            </Field>
          </div>
        </section>

        <div className="form-actions form-actions-sticky">
          <button type="submit" className="btn btn-primary" disabled={formState.isSubmitting} data-testid="cluster-submit">
            {formState.isSubmitting ? <span className="spinner" aria-hidden="true" /> : null}
            {editing ? "Save changes" : "Add cluster"}
          </button>
          <Link href={detail ? clusterHref(detail.id) : "/clusters"} className="btn">
            Cancel
          </Link>
          {Object.keys(formState.errors).length > 0 ? (
            <span className="field-error" role="alert" data-testid="cluster-form-invalid">
              Some fields need fixing.
            </span>
          ) : null}
        </div>
      </form>
    </FormProvider>
  );
}
