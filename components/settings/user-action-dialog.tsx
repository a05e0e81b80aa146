"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import { OneTimePassword } from "./one-time-password";
import { roleDescriptions } from "./roles";
import type { UserAction } from "./users-table";

function copy(action: UserAction): { title: string; body: string; confirm: string; danger: boolean } {
  const who = `${action.user.name} (${action.user.email})`;
  switch (action.kind) {
    case "role":
      return {
        title: `Change role of ${action.user.name}?`,
        body: `${who} goes from ${action.user.role} to ${action.role}. ${roleDescriptions[action.role]} It takes effect on their next request.`,
        confirm: `Make ${action.role}`,
        danger: action.user.role === "admin",
      };
    case "active":
      return action.active
        ? { title: `Reactivate ${action.user.name}?`, body: `${who} can sign in again with their existing password.`, confirm: "Reactivate", danger: false }
        : {
            title: `Deactivate ${action.user.name}?`,
            body: `${who} is signed out at once and cannot sign in. Everything they did stays in the audit log, and you can reactivate them later.`,
            confirm: "Deactivate",
            danger: true,
          };
    case "reset":
      return {
        title: `Reset password of ${action.user.name}?`,
        body: `${who} gets a new one-time password, shown to you once. Their current password stops working now, and they must choose a new one when they sign in.`,
        confirm: "Reset password",
        danger: true,
      };
  }
}

/** Confirms one user change, performs it, and for a reset shows the new one-time password once. */
export function UserActionDialog({ action, onClose }: { action: UserAction | null; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string>();
  const [otp, setOtp] = useState<string>();
  const refresh = () => queryClient.invalidateQueries(trpc.users.list.pathFilter());
  const setRole = useMutation(trpc.users.setRole.mutationOptions({ onSettled: refresh }));
  const setActive = useMutation(trpc.users.setActive.mutationOptions({ onSettled: refresh }));
  const reset = useMutation(trpc.users.resetPassword.mutationOptions({ onSettled: refresh }));
  const pending = setRole.isPending || setActive.isPending || reset.isPending;

  const close = () => {
    setError(undefined);
    setOtp(undefined);
    onClose();
  };

  const confirm = async () => {
    if (!action) return;
    setError(undefined);
    try {
      if (action.kind === "role") await setRole.mutateAsync({ userId: action.user.id, role: action.role });
      else if (action.kind === "active") await setActive.mutateAsync({ userId: action.user.id, active: action.active });
      else {
        const res = await reset.mutateAsync({ userId: action.user.id });
        setOtp(res.oneTimePassword);
        return;
      }
      close();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const text = action ? copy(action) : null;
  return (
    <Dialog
      open={action !== null}
      onClose={close}
      title={otp ? "New one-time password" : (text?.title ?? "")}
      role={text?.danger && !otp ? "alertdialog" : "dialog"}
      testId="user-action-dialog"
      actions={
        otp ? (
          <button type="button" className="btn btn-primary" onClick={close} data-autofocus>
            Done
          </button>
        ) : (
          <>
            <button type="button" className="btn" onClick={close} data-autofocus>
              Cancel
            </button>
            <button type="button" className={`btn ${text?.danger ? "btn-danger" : "btn-primary"}`} onClick={() => void confirm()} disabled={pending} data-testid="confirm-action">
              {pending ? <span className="spinner" aria-hidden="true" /> : null}
              {text?.confirm}
            </button>
          </>
        )
      }
    >
      {otp && action ? (
        <OneTimePassword email={action.user.email} password={otp} autoFocus={false} />
      ) : (
        <>
          <p>{text?.body}</p>
          <FormError message={error} />
        </>
      )}
    </Dialog>
  );
}
