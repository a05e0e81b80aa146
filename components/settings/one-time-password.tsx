"use client";

import { useEffect, useRef } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import { IconKey } from "@/components/ui/icons";

/**
 * A generated password, shown once: it is not stored anywhere the UI can read
 * again, so it must be copied now and handed over out of band.
 */
export function OneTimePassword({ email, password, onDone, autoFocus = true }: { email: string; password: string; onDone?: () => void; autoFocus?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (autoFocus) ref.current?.focus();
  }, [autoFocus]);
  return (
    <div className="alert alert-warn" ref={ref} tabIndex={-1} role="status" data-testid="one-time-password" style={{ flexDirection: "column", gap: 8, alignItems: "stretch" }}>
      <div className="row" style={{ gap: 8 }}>
        <IconKey />
        <strong>One-time password for {email}</strong>
      </div>
      <p>It is shown only this once. Give it to them over a safe channel; they must choose their own password when they first sign in.</p>
      <div className="secret">
        <span data-testid="one-time-password-value">{password}</span>
        <CopyButton text={password} testId="copy-one-time-password" />
      </div>
      {onDone ? (
        <div>
          <button type="button" className="btn btn-sm" onClick={onDone}>
            Done — hide it
          </button>
        </div>
      ) : null}
    </div>
  );
}
