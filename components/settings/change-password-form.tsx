"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useForm } from "react-hook-form";
import { useTRPC } from "@/components/trpc/client";
import { applyServerErrors } from "@/components/trpc/errors";
import { Field, FormError, describedBy } from "@/components/ui/field";
import { IconCheckCircle, IconKey } from "@/components/ui/icons";
import { changePasswordInput } from "@/server/auth/schemas";

export function ChangePasswordForm({ mustChange }: { mustChange: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string>();
  const [done, setDone] = useState(false);
  const [show, setShow] = useState(false);
  const {
    register,
    handleSubmit,
    setError,
    setFocus,
    reset,
    formState: { errors, isSubmitting },
  } = useForm({ resolver: zodResolver(changePasswordInput), defaultValues: { currentPassword: "", newPassword: "" } });

  // Arriving from the one-time-password banner: put the cursor where the typing starts.
  useEffect(() => {
    const focusIfTargeted = () => {
      if (window.location.hash === "#change-password") setFocus("currentPassword");
    };
    focusIfTargeted();
    window.addEventListener("hashchange", focusIfTargeted);
    return () => window.removeEventListener("hashchange", focusIfTargeted);
  }, [setFocus]);

  const change = useMutation(
    trpc.users.changeOwnPassword.mutationOptions({
      onSuccess: async () => {
        reset();
        setDone(true);
        // The one-time-password banner reads system.me.
        await queryClient.invalidateQueries(trpc.system.me.pathFilter());
      },
    }),
  );

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    setDone(false);
    try {
      await change.mutateAsync(values);
    } catch (err) {
      setFormError(applyServerErrors(err, setError, ["currentPassword", "newPassword"]));
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="stack" style={{ gap: 12, maxWidth: 420 }} data-testid="change-password-form">
      {mustChange ? (
        <div className="alert alert-warn">
          <IconKey />
          <span>You signed in with a one-time password (issued by an admin, or printed at first start). Enter it as the current password and choose one only you know.</span>
        </div>
      ) : null}
      {done ? (
        <div className="alert alert-ok" role="status" data-testid="password-changed">
          <IconCheckCircle />
          <span>Password changed. Use the new one next time you sign in.</span>
        </div>
      ) : null}
      <FormError message={formError} />
      <Field id="pw-current" label="Current password" error={errors.currentPassword?.message}>
        <input
          id="pw-current"
          type={show ? "text" : "password"}
          className="input"
          autoComplete="current-password"
          aria-invalid={errors.currentPassword ? true : undefined}
          aria-describedby={describedBy("pw-current", { error: !!errors.currentPassword })}
          {...register("currentPassword")}
        />
      </Field>
      <Field id="pw-new" label="New password" hint="At least 12 characters. A passphrase of a few words works well." error={errors.newPassword?.message}>
        <input
          id="pw-new"
          type={show ? "text" : "password"}
          className="input"
          autoComplete="new-password"
          aria-invalid={errors.newPassword ? true : undefined}
          aria-describedby={describedBy("pw-new", { hint: true, error: !!errors.newPassword })}
          {...register("newPassword")}
        />
      </Field>
      <label className="row" style={{ gap: 6 }}>
        <input type="checkbox" checked={show} onChange={(e) => setShow(e.target.checked)} />
        <span>Show passwords</span>
      </label>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={isSubmitting} data-testid="change-password-submit">
          {isSubmitting ? "Changing…" : "Change password"}
        </button>
      </div>
    </form>
  );
}
