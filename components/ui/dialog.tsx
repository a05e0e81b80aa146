"use client";

import { type ReactNode, useEffect, useId, useRef } from "react";

type DialogProps = {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  /** buttons; the dialog itself renders none so callers decide what "done" means */
  actions: ReactNode;
  testId?: string;
  /** "alertdialog" for confirmations of destructive actions */
  role?: "dialog" | "alertdialog";
};

/**
 * A real modal `<dialog>`: the page behind is inert, Esc closes it, focus moves
 * into it (to the element marked `autoFocus`, else the first control) and goes
 * back to whatever opened it.
 */
export function Dialog({ open, onClose, title, children, actions, testId, role = "dialog" }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement;
      d.showModal();
      const preferred = d.querySelector<HTMLElement>("[data-autofocus]");
      preferred?.focus();
    } else if (!open && d.open) {
      d.close();
    }
  }, [open]);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const handleClose = () => {
      const el = opener.current;
      if (el instanceof HTMLElement && el.isConnected) el.focus();
      onCloseRef.current();
    };
    d.addEventListener("close", handleClose);
    return () => d.removeEventListener("close", handleClose);
  }, []);

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} role={role === "alertdialog" ? "alertdialog" : undefined} data-testid={testId}>
      {open ? (
        <>
          <div className="dialog-body">
            <h2 id={titleId}>{title}</h2>
            {children}
          </div>
          <div className="dialog-actions">{actions}</div>
        </>
      ) : null}
    </dialog>
  );
}
