"use client";

import { type ReactNode, useState } from "react";
import { type Path, useController, useFormContext } from "react-hook-form";
import { Field, describedBy } from "@/components/ui/field";
import { emptyToUndefined, errorAt, toNumber } from "@/components/ui/form-values";
import type { ComponentInput } from "@/server/health/schemas";
import { msToSeconds, secondsToMs } from "./format";

export type FormPath = Path<ComponentInput>;

export const fieldId = (path: string) => `cf-${path.replace(/\./g, "-")}`;

type Common = { path: FormPath; label: ReactNode; hint?: ReactNode; placeholder?: string; autoFocus?: boolean; className?: string };

/** A text input bound to a form path; empty optional fields are sent as absent. */
export function TextField({ path, label, hint, placeholder, type = "text", optional, mono, autoFocus, list, className, testId }: Common & { type?: "text" | "password" | "url"; optional?: boolean; mono?: boolean; list?: string; testId?: string }) {
  const { register, formState } = useFormContext<ComponentInput>();
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
          autoComplete={type === "password" ? "new-password" : "off"}
          spellCheck={false}
          autoFocus={autoFocus}
          list={list}
          data-testid={testId}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, { hint: !!hint, error: !!error })}
          {...register(path, optional ? { setValueAs: emptyToUndefined } : undefined)}
        />
      </Field>
    </div>
  );
}

export function NumberField({ path, label, hint, placeholder, suffix, className, testId }: Common & { suffix?: string; testId?: string }) {
  const { register, formState } = useFormContext<ComponentInput>();
  const id = fieldId(path);
  const error = errorAt(formState.errors, path);
  return (
    <div className={className}>
      <Field id={id} label={label} hint={hint} error={error}>
        <span style={{ display: "flex", alignItems: "center", gap: 6 }}>
          <input
            id={id}
            type="text"
            inputMode="decimal"
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

/**
 * Milliseconds in the form state, seconds on screen. The text is kept as typed
 * ("1." on the way to "1.5") and converted on every key.
 */
export function SecondsField({ path, label, hint, placeholder, className, testId, nullable }: Common & { testId?: string; nullable?: boolean }) {
  const { control, formState } = useFormContext<ComponentInput>();
  const { field } = useController({ control, name: path });
  const value = typeof field.value === "number" ? field.value : undefined;
  const [text, setText] = useState(msToSeconds(value));
  const [seen, setSeen] = useState<number | undefined>(value);
  // Changed from outside (another kind's defaults): show the new value.
  if (value !== seen && !(Number.isNaN(value) && Number.isNaN(seen))) {
    setSeen(value);
    const typed = secondsToMs(text);
    if (typed !== value) setText(msToSeconds(value));
  }
  const id = fieldId(path);
  const error = errorAt(formState.errors, path);
  return (
    <div className={className}>
      <Field id={id} label={label} hint={hint} error={error}>
        <span style={{ display: "flex", alignItems: "center", gap: 6 }}>
          <input
            id={id}
            ref={field.ref}
            name={field.name}
            type="text"
            inputMode="decimal"
            className="input num"
            placeholder={placeholder}
            autoComplete="off"
            data-testid={testId}
            value={text}
            onBlur={field.onBlur}
            onChange={(e) => {
              setText(e.target.value);
              const ms = secondsToMs(e.target.value);
              setSeen(ms);
              field.onChange(ms === undefined && nullable ? null : ms);
            }}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy(id, { hint: !!hint, error: !!error })}
          />
          <span className="muted">s</span>
        </span>
      </Field>
    </div>
  );
}

export function CheckboxField({ path, label, hint }: { path: FormPath; label: ReactNode; hint?: ReactNode }) {
  const { register } = useFormContext<ComponentInput>();
  const id = fieldId(path);
  return (
    <div className="field">
      <label className="row" style={{ gap: 6, fontWeight: 500 }} htmlFor={id}>
        <input id={id} type="checkbox" aria-describedby={hint ? `${id}-hint` : undefined} {...register(path)} />
        {label}
      </label>
      {hint ? (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      ) : null}
    </div>
  );
}

/**
 * A list or map edited as text: shown with `format`, stored as `parse` returns.
 * The text is kept as typed; only the parsed value goes to the form.
 */
export function TextListField<T>({
  path,
  label,
  hint,
  placeholder,
  format,
  parse,
  multiline,
  className,
  testId,
}: Common & { format: (v: T | undefined) => string; parse: (text: string) => T; multiline?: boolean; testId?: string }) {
  const { control, formState } = useFormContext<ComponentInput>();
  const { field } = useController({ control, name: path });
  const [text, setText] = useState(() => format(field.value as T | undefined));
  const id = fieldId(path);
  const error = errorAt(formState.errors, path);
  const props = {
    id,
    className: `input${multiline ? " mono" : ""}`,
    placeholder,
    spellCheck: false,
    autoComplete: "off",
    value: text,
    onBlur: field.onBlur,
    "data-testid": testId,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy(id, { hint: !!hint, error: !!error }),
  } as const;
  const onChange = (t: string) => {
    setText(t);
    field.onChange(parse(t));
  };
  return (
    <div className={className}>
      <Field id={id} label={label} hint={hint} error={error}>
        {multiline ? (
          <textarea {...props} ref={field.ref} rows={3} style={{ height: "auto", padding: "6px 10px", resize: "vertical" }} onChange={(e) => onChange(e.target.value)} />
        ) : (
          <input {...props} ref={field.ref} onChange={(e) => onChange(e.target.value)} />
        )}
      </Field>
    </div>
  );
}

/** "200-204, 301" ⇄ [200, 201, 202, 203, 204, 301]; a token that is no code becomes NaN for the schema to reject. */
export function parseStatuses(text: string): number[] {
  const out: number[] = [];
  for (const token of text.split(/[\s,]+/).filter(Boolean)) {
    const range = /^(\d{3})\s*-\s*(\d{3})$/.exec(token);
    if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      if (b >= a && b - a <= 499) for (let c = a; c <= b; c++) out.push(c);
      else out.push(Number.NaN);
    } else out.push(/^\d+$/.test(token) ? Number(token) : Number.NaN);
  }
  return out;
}

/** "Name: value" per line ⇄ { Name: "value" }. */
export function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const i = line.indexOf(":");
    if (i <= 0) out[line.trim()] = "";
    else out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

export function formatHeaders(h: Record<string, string> | undefined): string {
  return Object.entries(h ?? {})
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
}

export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}
