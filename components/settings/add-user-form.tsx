"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTRPC } from "@/components/trpc/client";
import { applyServerErrors } from "@/components/trpc/errors";
import { Field, FormError, describedBy } from "@/components/ui/field";
import { createUserInput } from "@/server/auth/schemas";
import { roleDescriptions, roleOptions } from "./roles";

export type Created = { email: string; name: string; oneTimePassword?: string };

export function AddUserForm({ onCreated, onCancel }: { onCreated: (c: Created) => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string>();
  const {
    register,
    handleSubmit,
    setError,
    watch,
    formState: { errors, isSubmitting },
  } = useForm({ resolver: zodResolver(createUserInput), defaultValues: { email: "", name: "", role: "viewer", password: undefined } });
  const role = watch("role");

  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.users.list.pathFilter()),
    }),
  );

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    try {
      const res = await create.mutateAsync(values);
      onCreated({ email: res.user.email, name: res.user.name, oneTimePassword: res.oneTimePassword });
    } catch (err) {
      setFormError(applyServerErrors(err, setError, ["email", "name", "role", "password"]));
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="stack" style={{ gap: 12 }} data-testid="add-user-form" aria-label="Add user">
      <FormError message={formError} />
      <div className="form-grid">
        <Field id="new-email" label="Email" error={errors.email?.message}>
          <input
            id="new-email"
            type="email"
            className="input"
            autoComplete="off"
            spellCheck={false}
            autoFocus
            aria-invalid={errors.email ? true : undefined}
            aria-describedby={describedBy("new-email", { error: !!errors.email })}
            {...register("email")}
          />
        </Field>
        <Field id="new-name" label="Name" error={errors.name?.message}>
          <input
            id="new-name"
            className="input"
            autoComplete="off"
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={describedBy("new-name", { error: !!errors.name })}
            {...register("name")}
          />
        </Field>
        <Field id="new-role" label="Role" error={errors.role?.message}>
          <select id="new-role" className="select" aria-describedby="new-role-desc" {...register("role")}>
            {roleOptions.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id="new-password"
          label={
            <>
              Password <span className="faint">(optional)</span>
            </>
          }
          hint="Leave empty to generate a one-time password."
          error={errors.password?.message}
        >
          <input
            id="new-password"
            type="password"
            className="input"
            autoComplete="new-password"
            aria-invalid={errors.password ? true : undefined}
            aria-describedby={describedBy("new-password", { hint: true, error: !!errors.password })}
            {...register("password", { setValueAs: (v: unknown) => (v === "" || v == null ? undefined : String(v)) })}
          />
        </Field>
      </div>
      <p id="new-role-desc" className="hint">
        <strong>{role}</strong>: {roleDescriptions[role]}
      </p>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={isSubmitting} data-testid="add-user-submit">
          {isSubmitting ? "Adding…" : "Add user"}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
