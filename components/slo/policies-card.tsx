"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { serverFieldErrors } from "@/components/health/server-errors";
import { IconEdit, IconTrash } from "@/components/health/icons";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { IconPlus, IconShield } from "@/components/ui/icons";
import { DEFAULT_POLICY_TIERS, type PolicyAction, type PolicyTier, policyActions, policyInput } from "@/server/slo/schemas";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { formatBudget } from "./format";
import { percentTextToRatio, ratioToPercentText } from "./form-fields";
import styles from "./slo.module.css";
import type { PolicyRow } from "./types";

const actionLabel: Record<PolicyAction, string> = { notify: "Notify owners", review: "Require review for risky changes", freeze: "Freeze deploys (gate closes)" };

function describeTier(t: PolicyTier): string {
  return t.below === 0 ? "exhausted" : `below ${formatBudget(t.below)}`;
}

/** Error-budget policies: tiers by remaining budget, attached to a service or one SLO. */
export function PoliciesCard({ isAdmin }: { isAdmin: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const q = useQuery(trpc.slo.policies.queryOptions());
  const [editing, setEditing] = useState<PolicyRow | "new" | null>(null);
  const [deleting, setDeleting] = useState<PolicyRow | null>(null);
  const del = useMutation(trpc.slo.deletePolicy.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.slo.policies.queryFilter()) }));
  return (
    <section className="card card-flush" aria-labelledby="policies-title" data-testid="policies-card">
      <div className="card-header">
        <IconShield />
        <h2 id="policies-title">Error-budget policies</h2>
        <span className="muted">What happens as the budget runs out</span>
        <span className="spacer" />
        {isAdmin ? (
          <button type="button" className="btn btn-sm" onClick={() => setEditing("new")} data-testid="new-policy">
            <IconPlus />
            New policy
          </button>
        ) : null}
      </div>
      {q.isError ? <FormError message={errorMessage(q.error)} /> : null}
      {q.data && q.data.length === 0 ? (
        <div className="card-body muted">No policies. Without one, the deploy gate always answers &quot;allowed&quot;. A policy on an SLO wins over its service&apos;s.</div>
      ) : null}
      {q.data && q.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="policies-table">
            <thead>
              <tr>
                <th scope="col">Policy</th>
                <th scope="col">Applies to</th>
                <th scope="col">Tiers</th>
                {isAdmin ? <th scope="col" className="actions" aria-label="Actions" /> : null}
              </tr>
            </thead>
            <tbody>
              {q.data.map((p) => (
                <tr key={p.id} data-testid="policy-row">
                  <td>
                    <strong>{p.name}</strong>
                  </td>
                  <td>{p.scope === "slo" ? <>SLO {p.sloName}</> : <>service {p.serviceName}</>}</td>
                  <td>
                    {[...p.tiers]
                      .sort((a, b) => b.below - a.below)
                      .map((t) => (
                        <span key={t.name} className="nowrap" style={{ marginRight: 10 }}>
                          <span className={t.action === "freeze" ? "badge badge-bad" : t.action === "review" ? "badge badge-warn" : "badge"}>{t.action}</span> {describeTier(t)}
                        </span>
                      ))}
                  </td>
                  {isAdmin ? (
                    <td className="actions">
                      <button type="button" className="btn btn-sm btn-ghost btn-icon" aria-label={`Edit ${p.name}`} title="Edit" onClick={() => setEditing(p)}>
                        <IconEdit />
                      </button>
                      <button type="button" className="btn btn-sm btn-ghost btn-icon" aria-label={`Delete ${p.name}`} title="Delete" onClick={() => setDeleting(p)}>
                        <IconTrash />
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {editing !== null ? <PolicyDialog policy={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete policy "${deleting?.name ?? ""}"?`}
        confirmLabel="Delete policy"
        onConfirm={() => del.mutateAsync({ id: deleting?.id ?? "" })}
      >
        <p>Its SLOs stop moving through its tiers; if it freezes deploys now, the gate opens at the next check.</p>
      </ConfirmDialog>
    </section>
  );
}

type TierDraft = { name: string; below: string; action: PolicyAction };

function PolicyDialog({ policy, onClose }: { policy: PolicyRow | null; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const slos = useQuery(trpc.slo.list.queryOptions({}));
  const services = useQuery(trpc.health.services.queryOptions());
  const save = useMutation(trpc.slo.savePolicy.mutationOptions({ onSuccess: () => Promise.all([queryClient.invalidateQueries(trpc.slo.policies.queryFilter()), queryClient.invalidateQueries(trpc.slo.list.pathFilter())]) }));
  const [name, setName] = useState(policy?.name ?? "Default budget policy");
  const [scope, setScope] = useState<"service" | "slo">(policy?.scope ?? "service");
  const [service, setService] = useState(policy?.serviceName ?? "");
  const [sloId, setSloId] = useState(policy?.sloId ?? "");
  const toDraft = (ts: PolicyTier[]): TierDraft[] => ts.map((t) => ({ name: t.name, below: ratioToPercentText(t.below), action: t.action }));
  const [tiers, setTiers] = useState<TierDraft[]>(toDraft(policy?.tiers ?? DEFAULT_POLICY_TIERS));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();

  const submit = async () => {
    setFormError(undefined);
    const input = {
      id: policy?.id,
      name,
      service: scope === "service" ? service : undefined,
      sloId: scope === "slo" ? sloId || "" : undefined,
      tiers: tiers.map((t) => ({ name: t.name, below: percentTextToRatio(t.below) ?? Number.NaN, action: t.action })),
    };
    const parsed = policyInput.safeParse(input);
    const e: Record<string, string> = {};
    if (!parsed.success) {
      for (const i of parsed.error.issues) e[i.path.join(".")] ??= i.message;
      setErrors(e);
      return;
    }
    setErrors({});
    try {
      await save.mutateAsync(parsed.data);
      onClose();
    } catch (err) {
      const fe = serverFieldErrors(err);
      for (const [k, v] of Object.entries(fe ?? {})) if (v?.[0]) e[k] = v[0];
      setErrors(e);
      setFormError(errorMessage(err));
    }
  };

  const tierError = (i: number, f: string) => errors[`tiers.${i}.${f}`];

  return (
    <Dialog
      open
      onClose={onClose}
      title={policy ? `Edit ${policy.name}` : "New error-budget policy"}
      testId="policy-dialog"
      actions={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="policy-form" className="btn btn-primary" disabled={save.isPending} data-testid="policy-submit">
            {save.isPending ? <span className="spinner" aria-hidden="true" /> : null}
            Save policy
          </button>
        </>
      }
    >
      <form
        id="policy-form"
        className={`stack ${styles.importBody}`}
        style={{ gap: 12 }}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <FormError message={formError} />
        <Field id="pol-name" label="Name" error={errors.name}>
          <input id="pol-name" className="input" value={name} onChange={(e) => setName(e.target.value)} data-autofocus data-testid="policy-name" />
        </Field>
        <fieldset className={styles.radioRow}>
          <legend className="label">Attach to</legend>
          <label className={styles.choice}>
            <input type="radio" checked={scope === "service"} onChange={() => setScope("service")} />
            Every SLO of a service
          </label>
          <label className={styles.choice}>
            <input type="radio" checked={scope === "slo"} onChange={() => setScope("slo")} />
            One SLO
          </label>
        </fieldset>
        {scope === "service" ? (
          <Field id="pol-service" label="Service" error={errors.service}>
            <input id="pol-service" className="input" list="pol-services" value={service} onChange={(e) => setService(e.target.value)} data-testid="policy-service" />
            <datalist id="pol-services">
              {services.data?.map((s) => (
                <option key={s.id} value={s.name} />
              ))}
            </datalist>
          </Field>
        ) : (
          <Field id="pol-slo" label="SLO" error={errors.sloId ?? errors.service}>
            <select id="pol-slo" className="select" value={sloId} onChange={(e) => setSloId(e.target.value)}>
              <option value="">Choose an SLO…</option>
              {slos.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.serviceName} / {s.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        <div>
          <div className="row">
            <span className="label">Tiers</span>
            <span className="spacer" />
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => setTiers(toDraft(DEFAULT_POLICY_TIERS))}>
              Reset to defaults
            </button>
            <button type="button" className="btn btn-sm" onClick={() => setTiers([...tiers, { name: "", below: "", action: "notify" }])} disabled={tiers.length >= 10}>
              <IconPlus />
              Add tier
            </button>
          </div>
          <table className={`table ${styles.tiers}`}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">When remaining is below</th>
                <th scope="col">Action</th>
                <th scope="col" aria-label="Remove" />
              </tr>
            </thead>
            <tbody>
              {tiers.map((t, i) => (
                <tr key={i}>
                  <td>
                    <input className="input" aria-label={`Tier ${i + 1} name`} value={t.name} aria-invalid={tierError(i, "name") ? true : undefined} onChange={(e) => setTiers(tiers.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
                    {tierError(i, "name") ? <span className="field-error">{tierError(i, "name")}</span> : null}
                  </td>
                  <td>
                    <span className={styles.inputSuffix}>
                      <input className="input num" style={{ width: 80 }} inputMode="decimal" aria-label={`Tier ${i + 1} threshold (%)`} value={t.below} aria-invalid={tierError(i, "below") ? true : undefined} onChange={(e) => setTiers(tiers.map((x, j) => (j === i ? { ...x, below: e.target.value } : x)))} />
                      <span className="muted">%</span>
                    </span>
                    {tierError(i, "below") ? <span className="field-error">{tierError(i, "below")}</span> : <span className="hint">{t.below.trim() === "0" ? "0 = exhausted" : ""}</span>}
                  </td>
                  <td>
                    <select className="select" aria-label={`Tier ${i + 1} action`} value={t.action} onChange={(e) => setTiers(tiers.map((x, j) => (j === i ? { ...x, action: e.target.value as PolicyAction } : x)))}>
                      {policyActions.map((a) => (
                        <option key={a} value={a}>
                          {actionLabel[a]}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <button type="button" className="btn btn-sm btn-ghost btn-icon" aria-label={`Remove tier ${i + 1}`} onClick={() => setTiers(tiers.filter((_, j) => j !== i))}>
                      <IconTrash />
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {errors.tiers ? <span className="field-error">{errors.tiers}</span> : null}
          <p className="hint">Only &quot;freeze&quot; closes the deploy gate; notify and review tiers are reported as warnings.</p>
        </div>
      </form>
    </Dialog>
  );
}
