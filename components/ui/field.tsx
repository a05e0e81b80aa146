import type { ReactNode } from "react";
import { IconAlert } from "./icons";

/**
 * Label, control, hint and error for one input. The control must carry
 * `id={id}` and `aria-describedby={describedBy(id, …)}` so the hint and the
 * error are read with it.
 */
export function Field({ id, label, hint, error, children }: { id: string; label: ReactNode; hint?: ReactNode; error?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && !error ? (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className="field-error">
          <IconAlert />
          <span>{error}</span>
        </span>
      ) : null}
    </div>
  );
}

export function describedBy(id: string, opts: { hint?: boolean; error?: boolean }): string | undefined {
  if (opts.error) return `${id}-error`;
  if (opts.hint) return `${id}-hint`;
  return undefined;
}

export function FormError({ message, testId }: { message: string | undefined; testId?: string }) {
  if (!message) return null;
  return (
    <div className="alert alert-bad" role="alert" data-testid={testId}>
      <IconAlert />
      <span>{message}</span>
    </div>
  );
}
