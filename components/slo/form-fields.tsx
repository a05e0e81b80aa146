"use client";

import { type ReactNode, useState } from "react";
import { type Path, useController, useFormContext } from "react-hook-form";
import { Field, describedBy } from "@/components/ui/field";
import { emptyToUndefined, errorAt, toNumber } from "@/components/ui/form-values";
import type { SloInput } from "@/server/slo/schemas";
import styles from "./slo.module.css";

export type SloPath = Path<SloInput>;

export const fieldId = (path: string) => `slo-${path.replace(/\./g, "-")}`;

type Common = { path: SloPath; label: ReactNode; hint?: ReactNode; placeholder?: string; className?: string; testId?: string };

export function TextField({ path, label, hint, placeholder, optional, mono, list, className, testId, type = "text", autoFocus }: Common & { optional?: boolean; mono?: boolean; list?: string; type?: "text" | "url"; autoFocus?: boolean }) {
  const { register, formState } = useFormContext<SloInput>();
  const id = fieldId(path);
  const error = errorAt(formState.errors, path);
  return (
    <div className={className}>
      <Field id={id} label={label} hint={hint} error={error}>
        <input
          id={id}
          type={type}
          className={`input${mono ? " mono" : ""}`}
          placeholder={placeholder}
          autoComplete="off"
          spellCheck={false}
          list={list}
          autoFocus={autoFocus}
          data-testid={testId}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, { hint: !!hint, error: !!error })}
          {...register(path, optional ? { setValueAs: emptyToUndefined } : undefined)}
        />
      </Field>
    </div>
  );
}

export function TextAreaField({ path, label, hint, placeholder, className, testId, rows = 2, mono }: Common & { rows?: number; mono?: boolean }) {
  const { register, formState } = useFormContext<SloInput>();
  const id = fieldId(path);
  const error = errorAt(formState.errors, path);
  return (
    <div className={className}>
      <Field id={id} label={label} hint={hint} error={error}>
        <textarea
          id={id}
          className={`input${mono ? " mono" : ""}`}
          rows={rows}
          style={{ height: "auto", padding: "6px 10px", resize: "vertical" }}
          placeholder={placeholder}
          spellCheck={!mono}
          data-testid={testId}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, { hint: !!hint, error: !!error })}
          onKeyDown={(e) => {
            // Ctrl/⌘+Enter submits from a multi-line field, as Enter does from the others.
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) e.currentTarget.form?.requestSubmit();
          }}
          {...register(path)}
        />
      </Field>
    </div>
  );
}

export function NumberField({ path, label, hint, placeholder, suffix, className, testId }: Common & { suffix?: ReactNode }) {
  const { register, formState } = useFormContext<SloInput>();
  const id = fieldId(path);
  const error = errorAt(formState.errors, path);
  return (
    <div className={className}>
      <Field id={id} label={label} hint={hint} error={error}>
        <span className={styles.inputSuffix}>
          <input
            id={id}
            type="text"
            inputMode="numeric"
            className="input num"
            placeholder={placeholder}
            autoComplete="off"
            data-testid={testId}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy(id, { hint: !!hint, error: !!error })}
            {...register(path, { setValueAs: toNumber })}
          />
          {suffix ? <span className="muted nowrap">{suffix}</span> : null}
        </span>
      </Field>
    </div>
  );
}

/** A ratio in the form state, a percentage on screen ("99.9" ⇄ 0.999). */
export function ratioToPercentText(r: unknown): string {
  return typeof r === "number" && Number.isFinite(r) ? String(Number((r * 100).toPrecision(12))) : "";
}
export function percentTextToRatio(text: string): number | undefined {
  const t = text.trim().replace(/\s*%$/, "").replace(",", ".").trim();
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? Number((n / 100).toPrecision(12)) : Number.NaN;
}

/** Typed as a percentage, kept as typed ("99." on the way to "99.95"), stored as a 0–1 ratio. */
export function PercentField({ path, label, hint, placeholder, className, testId }: Common) {
  const { control, formState } = useFormContext<SloInput>();
  const { field } = useController({ control, name: path });
  const value = field.value as unknown;
  const [text, setText] = useState(() => ratioToPercentText(value));
  const [seen, setSeen] = useState<unknown>(value);
  // Changed from outside (a reset): show the new value.
  if (value !== seen && !(Number.isNaN(value) && Number.isNaN(seen))) {
    setSeen(value);
    if (percentTextToRatio(text) !== value) setText(ratioToPercentText(value));
  }
  const id = fieldId(path);
  const error = errorAt(formState.errors, path);
  return (
    <div className={className}>
      <Field id={id} label={label} hint={hint} error={error}>
        <span className={styles.inputSuffix}>
          <input
            id={id}
            ref={field.ref}
            name={field.name}
            type="text"
            inputMode="decimal"
            className="input num"
            style={{ maxWidth: 140 }}
            placeholder={placeholder}
            autoComplete="off"
            data-testid={testId}
            value={text}
            onBlur={field.onBlur}
            onChange={(e) => {
              setText(e.target.value);
              const r = percentTextToRatio(e.target.value);
              setSeen(r);
              field.onChange(r);
            }}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy(id, { hint: !!hint, error: !!error })}
          />
          <span className="muted">%</span>
        </span>
      </Field>
    </div>
  );
}

/** "team=payments" per line ⇄ { team: "payments" }. A line without "=" becomes a name with an empty value. */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const i = line.indexOf("=");
    if (i < 0) out[line.trim()] = "";
    else out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}
export function formatLabels(l: Record<string, string> | undefined): string {
  return Object.entries(l ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");
}

export function LabelsField({ path, label, hint, className, testId }: Common) {
  const { control, formState } = useFormContext<SloInput>();
  const { field } = useController({ control, name: path });
  const [text, setText] = useState(() => formatLabels(field.value as Record<string, string> | undefined));
  const id = fieldId(path);
  const error = errorAt(formState.errors, path);
  return (
    <div className={className}>
      <Field id={id} label={label} hint={hint} error={error}>
        <textarea
          id={id}
          ref={field.ref}
          className="input mono"
          rows={3}
          style={{ height: "auto", padding: "6px 10px", resize: "vertical" }}
          placeholder={"team=payments\ntier=1"}
          spellCheck={false}
          value={text}
          onBlur={field.onBlur}
          data-testid={testId}
          onChange={(e) => {
            setText(e.target.value);
            field.onChange(parseLabels(e.target.value));
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, { hint: !!hint, error: !!error })}
        />
      </Field>
    </div>
  );
}
