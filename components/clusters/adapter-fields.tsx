"use client";

import { useFieldArray, useFormContext } from "react-hook-form";
import { Field, describedBy } from "@/components/ui/field";
import { errorAt } from "@/components/ui/form-values";
import { IconPlus } from "@/components/ui/icons";
import type { ClusterAdapterName } from "@/server/failover/schemas";
import styles from "./clusters.module.css";
import { TextField, fieldId } from "./form-fields";
import type { ClusterFormValues } from "./form-values";

const secretHint = "Encrypted at rest; never sent back to a browser.";

/** The connection settings of one adapter. */
export function AdapterFields({ adapter }: { adapter: ClusterAdapterName }) {
  if (adapter === "postgres-streaming") return <StreamingFields />;
  if (adapter === "patroni") return <PatroniFields />;
  return <SentinelFields />;
}

function StreamingFields() {
  return (
    <div className="stack">
      <MemberRows />
      <div className="form-grid">
        <TextField path="config.user" label="Superuser" hint="Used for pg_promote, ALTER SYSTEM and primary_conninfo on rejoin." testId="field-user" />
        <TextField path="config.password" label="Password" type="password" optional hint={secretHint} testId="field-password" />
        <TextField path="config.database" label="Database" testId="field-database" />
      </div>
      <div className="form-grid">
        <TextField
          path="config.agentUrl"
          label="Host agent URL (optional)"
          optional
          mono
          placeholder="http://127.0.0.1:7420"
          hint="Lets Bulwark stop, start and re-clone members. Without it the old primary is fenced and left for a person to rejoin."
          testId="field-agent-url"
        />
        <TextField path="config.agentToken" label="Agent token" type="password" optional hint={secretHint} testId="field-agent-token" />
      </div>
      <TextField
        path="config.writeProbeUrl"
        label="Write-probe URL (optional)"
        optional
        mono
        placeholder="postgres://user:password@router:5432/postgres"
        hint="Where clients write: a router, or a multi-host URL with target_session_attrs=read-write. Operations measure write-unavailability through it."
        testId="field-write-probe-url"
      />
    </div>
  );
}

function MemberRows() {
  const { control, formState } = useFormContext<ClusterFormValues>();
  const { fields, append, remove } = useFieldArray({ control, name: "config.members" });
  const errs = formState.errors.config?.members;
  // "Names must be unique" says nothing new while the names themselves are missing or invalid.
  const itemErrors = fields.some((_, i) => errs?.[i] !== undefined);
  const listError = itemErrors ? undefined : (errs?.root?.message ?? errs?.message);
  return (
    <fieldset className={styles.rows} data-testid="member-rows">
      <legend className="label">Members</legend>
      <p className="hint">Every member Bulwark may promote or demote. Roles are observed, not configured.</p>
      {fields.map((f, i) => (
        <div key={f.id} className={styles.rowFields} data-testid="member-row">
          <TextField path={`config.members.${i}.name`} label="Name" placeholder={i === 0 ? "a" : "b"} mono testId={`member-${i}-name`} />
          <TextField path={`config.members.${i}.host`} label="Host" placeholder="127.0.0.1" mono testId={`member-${i}-host`} />
          <TextField path={`config.members.${i}.port`} label="Port" numeric testId={`member-${i}-port`} />
          <button type="button" className={`btn btn-ghost ${styles.removeRow}`} onClick={() => remove(i)} disabled={fields.length <= 2} aria-label={`Remove member ${i + 1}`} title={fields.length <= 2 ? "A cluster needs at least two members" : undefined}>
            Remove
          </button>
        </div>
      ))}
      {listError ? (
        <span className="field-error" role="alert">
          {listError}
        </span>
      ) : null}
      <div>
        <button type="button" className="btn btn-sm" onClick={() => append({ name: "", host: "", port: 5432 })} disabled={fields.length >= 9} data-testid="add-member">
          <IconPlus />
          Add member
        </button>
      </div>
    </fieldset>
  );
}

function PatroniFields() {
  const { register, formState } = useFormContext<ClusterFormValues>();
  const id = fieldId("config.apiUrls");
  const error = errorAt(formState.errors, "config.apiUrls");
  const hint = "One per line. The first that answers GET /cluster is used.";
  return (
    <div className="stack">
      <Field id={id} label="REST API URLs" hint={hint} error={error}>
        <textarea
          id={id}
          className={`input mono ${styles.textarea}`}
          rows={3}
          placeholder={"http://10.0.0.1:8008\nhttp://10.0.0.2:8008"}
          spellCheck={false}
          data-testid="field-api-urls"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, { hint: true, error: !!error })}
          {...register("config.apiUrls")}
        />
      </Field>
      <div className="form-grid">
        <TextField path="config.username" label="Username (optional)" optional hint="Basic auth, when the REST API requires it." testId="field-username" />
        <TextField path="config.password" label="Password" type="password" optional hint={secretHint} testId="field-password" />
      </div>
      <TextField
        path="config.writeProbeUrl"
        label="Write-probe URL (optional)"
        optional
        mono
        placeholder="postgres://user:password@haproxy:5000/postgres"
        hint="The leader's client path (e.g. HAProxy): operations measure write-unavailability through it."
        testId="field-write-probe-url"
      />
    </div>
  );
}

function SentinelFields() {
  const { control, register, formState } = useFormContext<ClusterFormValues>();
  const { fields, append, remove } = useFieldArray({ control, name: "config.sentinels" });
  const listError = formState.errors.config?.sentinels?.root?.message ?? formState.errors.config?.sentinels?.message;
  return (
    <div className="stack">
      <fieldset className={styles.rows} data-testid="sentinel-rows">
        <legend className="label">Sentinels</legend>
        {fields.map((f, i) => (
          <div key={f.id} className={`${styles.rowFields} ${styles.sentinelRow}`}>
            <TextField path={`config.sentinels.${i}.host`} label="Host" placeholder="127.0.0.1" mono testId={`sentinel-${i}-host`} />
            <TextField path={`config.sentinels.${i}.port`} label="Port" numeric testId={`sentinel-${i}-port`} />
            <button type="button" className={`btn btn-ghost ${styles.removeRow}`} onClick={() => remove(i)} disabled={fields.length <= 1} aria-label={`Remove sentinel ${i + 1}`}>
              Remove
            </button>
          </div>
        ))}
        {listError ? (
          <span className="field-error" role="alert">
            {listError}
          </span>
        ) : null}
        <div>
          <button type="button" className="btn btn-sm" onClick={() => append({ host: "", port: 26379 })} disabled={fields.length >= 9}>
            <IconPlus />
            Add sentinel
          </button>
        </div>
      </fieldset>
      <div className="form-grid">
        <TextField path="config.masterName" label="Master name" mono hint="As monitored by the sentinels." testId="field-master-name" />
        <TextField path="config.password" label="Data node password" type="password" optional hint={secretHint} testId="field-password" />
        <TextField path="config.sentinelPassword" label="Sentinel password" type="password" optional hint={secretHint} testId="field-sentinel-password" />
      </div>
      <label className={styles.ack}>
        <input type="checkbox" {...register("config.writeProbe")} data-testid="field-write-probe" /> Measure each operation with a write probe (RPUSH of sequential ids to a key of its own)
      </label>
    </div>
  );
}
