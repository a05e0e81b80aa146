"use client";

import { type ReactNode, useState } from "react";
import { errorMessage } from "@/components/trpc/errors";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";

type Props = {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** throws to keep the dialog open with the error shown */
  onConfirm: () => Promise<unknown>;
  danger?: boolean;
  /** when set, the confirm button waits until this exact text is typed */
  typed?: string;
  testId?: string;
  /** test ids of the confirm button and the typed-confirmation input, where pages already have their own */
  confirmTestId?: string;
  typedTestId?: string;
};

/**
 * A confirmation for a destructive or consequential action: Cancel has the
 * focus, the action shows its error in place, and a typed confirmation can be
 * required for what cannot be undone.
 */
export function ConfirmDialog({
  open,
  onClose,
  title,
  children,
  confirmLabel,
  onConfirm,
  danger = true,
  typed,
  testId,
  confirmTestId = "confirm-action",
  typedTestId = "confirm-typed-input",
}: Props) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const close = () => {
    setText("");
    setError(undefined);
    onClose();
  };
  const ready = typed === undefined || text.trim() === typed;
  return (
    <Dialog
      open={open}
      onClose={close}
      title={title}
      role={danger ? "alertdialog" : "dialog"}
      testId={testId}
      actions={
        <>
          <button type="button" className="btn" onClick={close} data-autofocus={typed === undefined ? true : undefined}>
            Cancel
          </button>
          <button
            type="button"
            className={danger ? "btn btn-danger" : "btn btn-primary"}
            disabled={!ready || busy}
            data-testid={confirmTestId}
            onClick={async () => {
              setBusy(true);
              setError(undefined);
              try {
                await onConfirm();
                close();
              } catch (err) {
                setError(errorMessage(err));
              } finally {
                setBusy(false);
              }
            }}
          >
            {busy ? <span className="spinner" aria-hidden="true" /> : null}
            {confirmLabel}
          </button>
        </>
      }
    >
      {children}
      {typed !== undefined ? (
        <Field id="confirm-typed" label={<>Type <strong>{typed}</strong> to confirm</>}>
          <input
            id="confirm-typed"
            className="input"
            autoComplete="off"
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && ready) e.currentTarget.closest("dialog")?.querySelector<HTMLButtonElement>(`[data-testid="${confirmTestId}"]`)?.click();
            }}
            data-autofocus
            data-testid={typedTestId}
          />
        </Field>
      ) : null}
      <FormError message={error} />
    </Dialog>
  );
}
