"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { serverFieldErrors } from "@/components/health/server-errors";
import { CopyButton } from "@/components/ui/copy-button";
import { Field, FormError } from "@/components/ui/field";
import { IconCheckCircle, IconXCircle } from "@/components/ui/icons";
import { RelativeTime } from "@/components/ui/relative-time";
import { useNow } from "@/components/ui/use-now";
import { gateOverrideInput } from "@/server/slo/schemas";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { IconGate } from "./icons";
import { GateReasons } from "./gate-reasons";
import styles from "./slo.module.css";
import type { OverrideRow } from "./types";

const durations = [
  { minutes: 30, label: "30 minutes" },
  { minutes: 60, label: "1 hour" },
  { minutes: 240, label: "4 hours" },
  { minutes: 1440, label: "24 hours" },
  { minutes: 4320, label: "3 days" },
];

/** Time-boxed admin overrides of a frozen gate, each with its justification (audited). */
export function OverridesCard({ isAdmin, services }: { isAdmin: boolean; services: Array<{ id: string; name: string }> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(30_000);
  const q = useQuery(trpc.slo.overrides.queryOptions());
  const [revoking, setRevoking] = useState<OverrideRow | null>(null);
  const revoke = useMutation(trpc.slo.revokeOverride.mutationOptions({ onSuccess: () => Promise.all([queryClient.invalidateQueries(trpc.slo.overrides.queryFilter()), queryClient.invalidateQueries(trpc.slo.gate.pathFilter())]) }));
  const active = (q.data ?? []).filter((o) => o.revokedAt === null && (now === null || o.expiresAt.getTime() > now));
  return (
    <section className="card" aria-labelledby="overrides-title" data-testid="overrides-card">
      <div className="card-header">
        <IconGate />
        <h2 id="overrides-title">Gate overrides</h2>
        <span className="muted">Let deploys through a frozen gate for a while</span>
      </div>
      {isAdmin ? <GrantForm services={services} /> : null}
      {q.isError ? <FormError message={errorMessage(q.error)} /> : null}
      {q.data && active.length === 0 ? <div className="card-body muted" style={{ borderTop: "1px solid var(--border)" }}>No active overrides.</div> : null}
      {active.length > 0 ? (
        <ul className={styles.plainList} style={{ borderTop: "1px solid var(--border)" }}>
          {active.map((o) => (
            <li key={o.id} className={styles.item} data-testid="override-row">
              <div className={styles.itemText}>
                <strong>{o.serviceName}</strong>
                <span className="muted">{o.justification}</span>
              </div>
              <span className={styles.itemTime}>
                <span>
                  expires <RelativeTime date={o.expiresAt} />
                </span>
                <span className="faint">{o.createdBy ? `by ${o.createdBy}` : ""}</span>
              </span>
              {isAdmin ? (
                <button type="button" className="btn btn-sm" onClick={() => setRevoking(o)} data-testid="revoke-override">
                  Revoke
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      <ConfirmDialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revoke the override for ${revoking?.serviceName ?? ""}?`}
        confirmLabel="Revoke override"
        onConfirm={() => revoke.mutateAsync({ id: revoking?.id ?? "" })}
      >
        <p>The gate answers from the budget policy again at once: if a tier freezes deploys, the next deploy is refused.</p>
      </ConfirmDialog>
    </section>
  );
}

function GrantForm({ services }: { services: Array<{ id: string; name: string }> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const grant = useMutation(trpc.slo.grantOverride.mutationOptions({ onSuccess: () => Promise.all([queryClient.invalidateQueries(trpc.slo.overrides.queryFilter()), queryClient.invalidateQueries(trpc.slo.gate.pathFilter())]) }));
  const [service, setService] = useState("");
  const [justification, setJustification] = useState("");
  const [minutes, setMinutes] = useState(60);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  return (
    <form
      className="card-body stack"
      style={{ gap: 10 }}
      noValidate
      data-testid="override-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setFormError(undefined);
        const parsed = gateOverrideInput.safeParse({ service, justification, durationMinutes: minutes });
        const errs: Record<string, string> = {};
        if (!parsed.success) {
          for (const i of parsed.error.issues) errs[String(i.path[0])] ??= i.message;
          setErrors(errs);
          return;
        }
        setErrors({});
        try {
          await grant.mutateAsync(parsed.data);
          setJustification("");
        } catch (err) {
          for (const [k, v] of Object.entries(serverFieldErrors(err) ?? {})) if (v?.[0]) errs[k] = v[0];
          setErrors(errs);
          setFormError(errorMessage(err));
        }
      }}
    >
      <FormError message={formError} />
      <div className={styles.toolbar}>
        <Field id="ov-service" label="Service" error={errors.service}>
          <select id="ov-service" className="select" value={service} onChange={(e) => setService(e.target.value)} data-testid="override-service">
            <option value="">Choose a service…</option>
            {services.map((s) => (
              <option key={s.id} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="ov-duration" label="For" error={errors.durationMinutes}>
          <select id="ov-duration" className="select" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
            {durations.map((d) => (
              <option key={d.minutes} value={d.minutes}>
                {d.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field id="ov-justification" label="Justification" error={errors.justification} hint="Recorded in the audit log, e.g. the fix being deployed and its ticket.">
        <input id="ov-justification" className="input" value={justification} onChange={(e) => setJustification(e.target.value)} placeholder="Hotfix for INC-123: roll out the connection-pool fix" data-testid="override-justification" />
      </Field>
      <div>
        <button type="submit" className="btn" disabled={grant.isPending} data-testid="override-submit">
          {grant.isPending ? <span className="spinner" aria-hidden="true" /> : null}
          Grant override
        </button>
      </div>
    </form>
  );
}

/** The gate's current answer for one service, and the CI line that asks it. */
export function GateCheckCard({ services }: { services: Array<{ id: string; name: string }> }) {
  const trpc = useTRPC();
  const [service, setService] = useState("");
  const chosen = service || services[0]?.name || "";
  const q = useQuery(trpc.slo.gate.queryOptions({ service: chosen }, { enabled: chosen !== "" }));
  const origin = typeof window === "undefined" ? "https://bulwark.example.com" : window.location.origin;
  const curl = `curl -fsS -H "Authorization: Bearer $BULWARK_TOKEN" \\\n  "${origin}/api/v1/gate?service=${encodeURIComponent(chosen || "checkout")}"`;
  const g = q.data;
  return (
    <section className="card" aria-labelledby="gatecheck-title" data-testid="gate-check">
      <div className="card-header">
        <IconGate />
        <h2 id="gatecheck-title">Gate check</h2>
        <span className="muted">What a deploy would be told now</span>
      </div>
      <div className="card-body stack" style={{ gap: 10 }}>
        {services.length === 0 ? (
          <p className="muted">No services yet.</p>
        ) : (
          <Field id="gate-service" label="Service">
            <select id="gate-service" className="select" style={{ maxWidth: 260 }} value={chosen} onChange={(e) => setService(e.target.value)} data-testid="gate-service">
              {services.map((s) => (
                <option key={s.id} value={s.name}>
                  {s.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        {q.isError ? <FormError message={errorMessage(q.error)} /> : null}
        {g ? (
          <div className="stack" style={{ gap: 6 }}>
            <div className={styles.gate} data-allowed={String(g.allowed)} data-testid="gate-check-answer">
              {g.allowed ? <IconCheckCircle /> : <IconXCircle />}
              {g.allowed ? "200 allowed" : "423 frozen"}
              {g.override ? <span className="badge badge-warn">override active</span> : null}
            </div>
            <GateReasons gate={g} />
          </div>
        ) : null}
        <div>
          <span className="label">In CI (a token with the gate:read scope)</span>
          <div className="secret" style={{ alignItems: "flex-start" }}>
            <span style={{ whiteSpace: "pre-wrap" }} data-testid="gate-curl">
              {curl}
            </span>
            <CopyButton text={curl} />
          </div>
          <p className="hint">
            <code>curl -f</code> fails the step on the 423. A GitHub Actions snippet and the response format are in <code>docs/deploy-gate.md</code>.
          </p>
        </div>
      </div>
    </section>
  );
}
