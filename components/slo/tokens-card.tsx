"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { applyServerErrors, errorMessage } from "@/components/trpc/errors";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError, describedBy } from "@/components/ui/field";
import { IconKey, IconPlus } from "@/components/ui/icons";
import { RelativeTime } from "@/components/ui/relative-time";
import { type TokenScope, createTokenInput, tokenScopes } from "@/server/slo/schemas";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import styles from "./slo.module.css";
import type { TokenRow } from "./types";

const scopeHint: Record<TokenScope, string> = {
  "sli:write": "push SLI events to POST /api/v1/sli",
  "gate:read": "ask GET /api/v1/gate before a deploy",
};

/** API tokens for the REST API: stored as a hash, shown once, scoped to one service. */
export function TokensCard({ isAdmin }: { isAdmin: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const q = useQuery(trpc.slo.tokens.queryOptions());
  const [creating, setCreating] = useState(false);
  const [plain, setPlain] = useState<{ token: string; name: string } | null>(null);
  const [revoking, setRevoking] = useState<TokenRow | null>(null);
  const revoke = useMutation(trpc.slo.revokeToken.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.slo.tokens.queryFilter()) }));
  const rows = [...(q.data ?? [])].sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt.getTime() - a.createdAt.getTime());

  return (
    <section className="card card-flush" aria-labelledby="tokens-title" data-testid="tokens-card">
      <div className="card-header">
        <IconKey />
        <h2 id="tokens-title">API tokens</h2>
        <span className="muted">For pushing SLI events and asking the deploy gate</span>
        <span className="spacer" />
        {isAdmin ? (
          <button type="button" className="btn btn-sm" onClick={() => setCreating(true)} data-testid="new-token">
            <IconPlus />
            New token
          </button>
        ) : null}
      </div>
      {q.isError ? <FormError message={errorMessage(q.error)} /> : null}
      {q.data && rows.length === 0 ? <div className="card-body muted">No tokens yet.{isAdmin ? " Create one for each CI job or service that pushes events." : ""}</div> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="tokens-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Service</th>
                <th scope="col">Token</th>
                <th scope="col">Scopes</th>
                <th scope="col">Last used</th>
                <th scope="col">Created</th>
                {isAdmin ? <th scope="col" className="actions" aria-label="Actions" /> : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((t) => (
                <tr key={t.id} data-testid="token-row" data-token={t.name} data-revoked={t.revokedAt ? "true" : undefined}>
                  <td>
                    <strong>{t.name}</strong> {t.revokedAt ? <span className="badge">revoked</span> : null}
                  </td>
                  <td>{t.serviceName}</td>
                  <td className="mono">{t.prefix}…</td>
                  <td>
                    {t.scopes.map((s) => (
                      <code key={s} style={{ marginRight: 4 }}>
                        {s}
                      </code>
                    ))}
                  </td>
                  <td>
                    <RelativeTime date={t.lastUsedAt} intervalMs={30_000} />
                  </td>
                  <td>
                    <RelativeTime date={t.createdAt} intervalMs={30_000} />
                  </td>
                  {isAdmin ? (
                    <td className="actions">
                      {t.revokedAt ? null : (
                        <button type="button" className="btn btn-sm" onClick={() => setRevoking(t)} data-testid="revoke-token">
                          Revoke
                        </button>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <CreateTokenDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(token, name) => {
          setCreating(false);
          setPlain({ token, name });
        }}
      />
      <Dialog
        open={plain !== null}
        onClose={() => setPlain(null)}
        title={`Token "${plain?.name ?? ""}" — shown only this once`}
        testId="token-once"
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setPlain(null)} data-autofocus>
            Done — I saved it
          </button>
        }
      >
        <div className="alert alert-warn" role="status">
          <IconKey />
          <span>Bulwark keeps only a hash of this token. Copy it into your CI secret or service configuration now; if it is lost, revoke it and create a new one.</span>
        </div>
        {plain ? (
          <div className="secret" style={{ marginTop: 10 }}>
            <span data-testid="token-value">{plain.token}</span>
            <CopyButton text={plain.token} testId="copy-token" />
          </div>
        ) : null}
        <p className="hint" style={{ marginTop: 8 }}>
          Send it as <code>Authorization: Bearer &lt;token&gt;</code>.
        </p>
      </Dialog>
      <ConfirmDialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revoke "${revoking?.name ?? ""}"?`}
        confirmLabel="Revoke token"
        testId="revoke-token-dialog"
        onConfirm={() => revoke.mutateAsync({ id: revoking?.id ?? "" })}
      >
        <p>Calls with this token are refused from now on: pushed events are rejected and gate checks fail with 401. This cannot be undone.</p>
      </ConfirmDialog>
    </section>
  );
}

function CreateTokenDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (token: string, name: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const services = useQuery(trpc.health.services.queryOptions());
  const create = useMutation(trpc.slo.createToken.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.slo.tokens.queryFilter()) }));
  const [service, setService] = useState("");
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<TokenScope[]>(["sli:write", "gate:read"]);
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [formError, setFormError] = useState<string>();

  const close = () => {
    setService("");
    setName("");
    setScopes(["sli:write", "gate:read"]);
    setErrors({});
    setFormError(undefined);
    onClose();
  };

  const submit = async () => {
    setFormError(undefined);
    const parsed = createTokenInput.safeParse({ service, name, scopes });
    if (!parsed.success) {
      const e: Record<string, string> = {};
      for (const i of parsed.error.issues) e[String(i.path[0])] ??= i.message;
      setErrors(e);
      return;
    }
    setErrors({});
    try {
      const res = await create.mutateAsync(parsed.data);
      const label = name.trim();
      close();
      onCreated(res.token, label);
    } catch (err) {
      const e: Record<string, string> = {};
      setFormError(applyServerErrors<{ service: string; name: string; scopes: string }>(err, (k, v) => (e[k] = v.message ?? ""), ["service", "name", "scopes"]));
      setErrors(e);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="New API token"
      testId="token-dialog"
      actions={
        <>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" form="token-form" className="btn btn-primary" disabled={create.isPending} data-testid="token-submit">
            {create.isPending ? <span className="spinner" aria-hidden="true" /> : null}
            Create token
          </button>
        </>
      }
    >
      <form
        id="token-form"
        className="stack"
        style={{ gap: 12 }}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <FormError message={formError} />
        <Field id="tok-service" label="Service" error={errors.service} hint="The token works only for this service's SLOs and gate.">
          <input
            id="tok-service"
            className="input"
            list="tok-services"
            value={service}
            onChange={(e) => setService(e.target.value)}
            data-autofocus
            data-testid="token-service"
            aria-invalid={errors.service ? true : undefined}
            aria-describedby={describedBy("tok-service", { hint: true, error: !!errors.service })}
          />
          <datalist id="tok-services">
            {services.data?.map((s) => (
              <option key={s.id} value={s.name} />
            ))}
          </datalist>
        </Field>
        <Field id="tok-name" label="Name" error={errors.name} hint="Who uses it, e.g. the CI job.">
          <input
            id="tok-name"
            className="input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="github-actions deploy"
            data-testid="token-name"
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={describedBy("tok-name", { hint: true, error: !!errors.name })}
          />
        </Field>
        <fieldset className={styles.radioRow}>
          <legend className="label">Scopes</legend>
          <div className={styles.scopes}>
            {tokenScopes.map((s) => (
              <label key={s}>
                <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))} data-testid={`scope-${s}`} />
                <code>{s}</code> <span className="muted">{scopeHint[s]}</span>
              </label>
            ))}
          </div>
          {errors.scopes ? <span className="field-error">{errors.scopes}</span> : null}
        </fieldset>
      </form>
    </Dialog>
  );
}
