"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { getProviders, signIn } from "next-auth/react";
import { useEffect, useState } from "react";
import { useForm } from "react-hook-form";
import { Field, FormError, describedBy } from "@/components/ui/field";
import { IconEye, IconEyeOff } from "@/components/ui/icons";
import { loginInput } from "@/server/auth/schemas";
import styles from "./login.module.css";
import { describeAuthError } from "./safe-callback";

type Sso = { id: string; name: string };

export function LoginForm({ callbackUrl, initialError }: { callbackUrl: string; initialError: string | null }) {
  const [formError, setFormError] = useState<string | undefined>(() => describeAuthError(initialError));
  const [showPassword, setShowPassword] = useState(false);
  const [sso, setSso] = useState<Sso | null>(null);
  const {
    register,
    handleSubmit,
    setFocus,
    formState: { errors, isSubmitting },
  } = useForm({ resolver: zodResolver(loginInput), defaultValues: { email: "", password: "" } });

  useEffect(() => {
    let cancelled = false;
    getProviders()
      .then((providers) => {
        const oidc = providers?.oidc;
        if (!cancelled && oidc) setSso({ id: oidc.id, name: oidc.name });
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, []);

  const onSubmit = handleSubmit(async ({ email, password }) => {
    setFormError(undefined);
    const res = await signIn("credentials", { email, password, redirect: false });
    if (res?.ok && !res.error) {
      // A full load, so the server renders the app with the new session.
      window.location.assign(callbackUrl);
      return;
    }
    setFormError(res ? describeAuthError(res.error ?? "unknown") : "Cannot reach the Bulwark server. Try again.");
    if (res?.error === "CredentialsSignin") setFocus("password", { shouldSelect: true });
  });

  return (
    <>
      <form onSubmit={onSubmit} noValidate className="stack">
        <FormError message={formError} testId="login-error" />
        <Field id="login-email" label="Email" error={errors.email?.message}>
          <input
            id="login-email"
            type="email"
            className="input"
            autoComplete="username"
            autoFocus
            spellCheck={false}
            aria-invalid={errors.email ? true : undefined}
            aria-describedby={describedBy("login-email", { error: !!errors.email })}
            {...register("email")}
          />
        </Field>
        <Field id="login-password" label="Password" error={errors.password?.message}>
          <div className={styles.passwordRow}>
            <input
              id="login-password"
              type={showPassword ? "text" : "password"}
              className="input"
              autoComplete="current-password"
              aria-invalid={errors.password ? true : undefined}
              aria-describedby={describedBy("login-password", { error: !!errors.password })}
              {...register("password")}
            />
            <button
              type="button"
              className={`btn btn-ghost btn-icon ${styles.reveal}`}
              aria-label={showPassword ? "Hide password" : "Show password"}
              aria-pressed={showPassword}
              onClick={() => setShowPassword((v) => !v)}
            >
              {showPassword ? <IconEyeOff /> : <IconEye />}
            </button>
          </div>
        </Field>
        <button type="submit" className="btn btn-primary btn-block" disabled={isSubmitting} data-testid="login-submit">
          {isSubmitting ? <span className="spinner" aria-hidden="true" /> : null}
          {isSubmitting ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {sso ? (
        <>
          <div className={styles.divider}>
            <span>or</span>
          </div>
          <button type="button" className="btn btn-block" data-testid="login-sso" onClick={() => void signIn(sso.id, { callbackUrl })}>
            Sign in with {sso.name}
          </button>
        </>
      ) : null}
    </>
  );
}
