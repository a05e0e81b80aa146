"use client";

import { useFormContext, useWatch } from "react-hook-form";
import { type ComponentInput, type ComponentKind, httpPresets } from "@/server/health/schemas";
import { compressStatuses } from "./config-list";
import styles from "./form.module.css";
import { CheckboxField, NumberField, SecondsField, TextField, TextListField, fieldId, formatHeaders, parseHeaders, parseStatuses } from "./form-fields";
import { REDACTED_MARK } from "./secret";

/** The origin of what is typed so far ("https://api.internal:8443"), if any. */
function originOf(url: string): string | null {
  const m = /^\s*(https?:\/\/[^/?#\s]+)/i.exec(url);
  return m ? m[1]! : null;
}

function HttpPresets() {
  const { setValue, control } = useFormContext<ComponentInput>();
  const url = useWatch({ control, name: "config.url" });
  const origin = originOf(typeof url === "string" ? url : "");
  return (
    <div className={styles.presets} role="group" aria-label="Health endpoint presets">
      <span className="hint">Path:</span>
      {httpPresets.map((p) => (
        <button
          key={p}
          type="button"
          className="btn btn-sm"
          disabled={!origin}
          title={origin ? `Use ${origin}${p}` : "Type the server's address first, e.g. https://api.internal"}
          onClick={() => origin && setValue("config.url", `${origin}${p}`, { shouldDirty: true, shouldValidate: true })}
          data-testid={`preset-${p}`}
        >
          {p}
        </button>
      ))}
    </div>
  );
}

function SecretField({ editing, label = "Password" }: { editing: boolean; label?: string }) {
  const { control } = useFormContext<ComponentInput>();
  const value = useWatch({ control, name: "config.password" });
  const stored = editing && value === REDACTED_MARK;
  return (
    <TextField
      path="config.password"
      type="password"
      label={label}
      optional
      hint={stored ? "A password is stored (sealed). Leave it to keep it, type a new one to replace it, clear it to remove it." : "Stored encrypted; never shown again."}
    />
  );
}

function JsonPathField() {
  return (
    <TextListField<{ path: string; equals: string } | undefined>
      path="config.jsonPath"
      label={
        <>
          JSON path must equal <span className="faint">(optional)</span>
        </>
      }
      hint="e.g. status=ok or checks.db.status=up"
      placeholder="status=ok"
      format={(v) => (v ? `${v.path}=${v.equals}` : "")}
      parse={(t) => {
        if (!t.trim()) return undefined;
        const i = t.indexOf("=");
        return i < 0 ? { path: t.trim(), equals: "" } : { path: t.slice(0, i).trim(), equals: t.slice(i + 1).trim() };
      }}
    />
  );
}

/** The fields of one kind's `config`, as its zod schema in server/health/schemas.ts defines them. */
export function KindFields({ kind, editing }: { kind: ComponentKind; editing: boolean }) {
  switch (kind) {
    case "http":
      return (
        <div className="stack" style={{ gap: 12 }}>
          <div>
            <TextField path="config.url" type="url" label="URL" mono placeholder="https://api.internal/health" testId="field-url" />
            <HttpPresets />
          </div>
          <div className="form-grid">
            <MethodField />
            <TextListField<number[]>
              path="config.expectedStatus"
              label="Expected status"
              hint="Codes or ranges: 200-299, 301"
              format={(v) => compressStatuses(v ?? [])}
              parse={parseStatuses}
            />
            <NumberField path="config.tlsExpiryWarnDays" label="Warn on certificate expiry" suffix="days before" hint="Degraded when the TLS certificate expires this soon." />
          </div>
          <div className="form-grid">
            <TextField path="config.bodyContains" label={<>Body contains <span className="faint">(optional)</span></>} optional placeholder='"status":"ok"' />
            <JsonPathField />
          </div>
          <TextListField<Record<string, string>>
            path="config.headers"
            label={<>Request headers <span className="faint">(optional)</span></>}
            hint="One per line, Name: value"
            placeholder="Authorization: Bearer …"
            multiline
            format={formatHeaders}
            parse={parseHeaders}
          />
        </div>
      );
    case "websocket":
      return <TextField path="config.url" type="url" label="WebSocket URL" mono placeholder="wss://api.internal/live" hint="Connects, sends a ping and expects a pong within the timeout." testId="field-url" />;
    case "tcp":
      return (
        <div className="form-grid">
          <TextField path="config.host" label="Host" mono placeholder="10.0.0.12 or db.internal" testId="field-host" />
          <NumberField path="config.port" label="Port" placeholder="5432" testId="field-port" />
        </div>
      );
    case "postgres":
      return (
        <div className="stack" style={{ gap: 12 }}>
          <div className="form-grid">
            <TextField path="config.host" label="Host" mono placeholder="10.0.0.12" testId="field-host" />
            <NumberField path="config.port" label="Port" />
            <TextField path="config.database" label="Database" mono />
          </div>
          <div className="form-grid">
            <TextField path="config.user" label="User" mono hint="A read-only user is enough." />
            <SecretField editing={editing} />
            <div className={styles.checkboxCell}>
              <CheckboxField path="config.ssl" label="Require TLS" />
            </div>
          </div>
          <div className="form-grid">
            <NumberField path="config.maxLagSeconds" label="Replication lag warning" suffix="s" hint="A standby further behind is degraded." />
            <NumberField path="config.maxConnectionsPct" label="Connection use warning" suffix="% of max" />
          </div>
        </div>
      );
    case "redis":
      return (
        <div className="form-grid">
          <TextField path="config.host" label="Host" mono testId="field-host" />
          <NumberField path="config.port" label="Port" />
          <SecretField editing={editing} />
          <div className={styles.checkboxCell}>
            <CheckboxField path="config.tls" label="Use TLS" />
          </div>
        </div>
      );
    case "patroni":
      return (
        <div className="stack" style={{ gap: 12 }}>
          <TextField path="config.url" type="url" label="Patroni REST API URL" mono placeholder="http://10.0.0.12:8008" hint="Bulwark reads /cluster: members, roles, lag, state." testId="field-url" />
          <div className="form-grid">
            <TextField path="config.username" label={<>Username <span className="faint">(optional)</span></>} optional />
            <SecretField editing={editing} />
            <NumberField path="config.maxLagBytes" label="Member lag warning" suffix="bytes" />
          </div>
        </div>
      );
    case "pgbouncer":
      return (
        <div className="form-grid">
          <TextField path="config.host" label="Host" mono testId="field-host" />
          <NumberField path="config.port" label="Port" />
          <TextField path="config.user" label="User" mono hint="Needs access to the pgbouncer admin console (stats_users)." />
          <SecretField editing={editing} />
          <NumberField path="config.maxPoolUtilizationPct" label="Pool use warning" suffix="%" />
        </div>
      );
    case "push":
      return (
        <div className="stack" style={{ gap: 8 }}>
          <p className="muted">
            Bulwark does not call anything: your job calls a heartbeat URL (created when you save, shown once). No heartbeat within the interval below, plus the
            grace, makes it unhealthy.
          </p>
          <div className="form-grid">
            <SecondsField path="config.graceMs" label="Grace" hint="Extra time before a missing beat counts." />
          </div>
        </div>
      );
  }
}

function MethodField() {
  const { register } = useFormContext<ComponentInput>();
  const id = fieldId("config.method");
  return (
    <div className="field">
      <label htmlFor={id}>Method</label>
      <select id={id} className="select" {...register("config.method")}>
        <option value="GET">GET</option>
        <option value="HEAD">HEAD</option>
        <option value="POST">POST</option>
      </select>
    </div>
  );
}
