"use client";

import type { ReactNode } from "react";
import { type Path, useFormContext } from "react-hook-form";
import { Field, describedBy } from "@/components/ui/field";
import { emptyToUndefined, errorAt, toNumber } from "@/components/ui/form-values";
import type { ClusterFormValues } from "./form-values";

export type ClusterPath = Path<ClusterFormValues>;
export const fieldId = (path: string) => `clf-${path.replace(/\./g, "-")}`;

type Props = {
  path: ClusterPath;
  /** where the schema reports this field's errors, when not at `path` */
  errorPath?: string;
  label: ReactNode;
  hint?: ReactNode;
  placeholder?: string;
  type?: "text" | "password" | "url";
  optional?: boolean;
  numeric?: boolean;
  mono?: boolean;
  suffix?: string;
  autoFocus?: boolean;
  testId?: string;
};

/** A text input bound to a form path; the shared schema's error for it shows underneath. */
export function TextField({ path, errorPath, label, hint, placeholder, type = "text", optional, numeric, mono, suffix, autoFocus, testId }: Props) {
  const { register, formState } = useFormContext<ClusterFormValues>();
  const id = fieldId(path);
  const error = errorAt(formState.errors, errorPath ?? path);
  const input = (
    <input
      id={id}
      type={type}
      inputMode={numeric ? "decimal" : undefined}
      className={`input${mono ? " mono" : ""}${numeric ? " num" : ""}`}
      placeholder={placeholder}
      autoComplete={type === "password" ? "new-password" : "off"}
      spellCheck={false}
      autoFocus={autoFocus}
      data-testid={testId}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy(id, { hint: !!hint, error: !!error })}
      {...register(path, numeric ? { setValueAs: toNumber } : optional ? { setValueAs: emptyToUndefined } : undefined)}
    />
  );
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      {suffix ? (
        <span style={{ display: "flex", alignItems: "center", gap: 6 }}>
          {input}
          <span className="muted nowrap">{suffix}</span>
        </span>
      ) : (
        input
      )}
    </Field>
  );
}
