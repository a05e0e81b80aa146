"use client";

import { useQuery } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { LogoMark } from "@/components/shell/logo";
import { ThemeToggle } from "@/components/shell/theme-toggle";
import { useTRPC } from "@/components/trpc/client";
import { LoginForm } from "./login-form";
import styles from "./login.module.css";
import { safeCallbackUrl } from "./safe-callback";

export function LoginScreen() {
  const params = useSearchParams();
  const [origin, setOrigin] = useState<string | null>(null);
  useEffect(() => setOrigin(window.location.origin), []);
  const callbackUrl = origin ? safeCallbackUrl(params.get("callbackUrl"), origin) : "/";
  const trpc = useTRPC();
  const me = useQuery(trpc.system.me.queryOptions(undefined, { retry: false }));

  return (
    <div className={styles.screen}>
      <div className={styles.corner}>
        <ThemeToggle />
      </div>
      <main className={styles.panel}>
        <div className={styles.brand}>
          <LogoMark size={36} />
          <div>
            <div className={styles.brandName}>Bulwark</div>
            <div className={styles.tagline}>Reliability control plane</div>
          </div>
        </div>
        <div className={`card ${styles.card}`}>
          <h1 className={styles.title}>Sign in</h1>
          {me.data ? (
            <div className="stack" data-testid="already-signed-in">
              <p>
                You are signed in as <strong>{me.data.name}</strong> ({me.data.email}).
              </p>
              <div className="form-actions">
                <Link href={callbackUrl} className="btn btn-primary">
                  Continue to Bulwark
                </Link>
                <button type="button" className="btn" onClick={() => void signOut({ callbackUrl: "/login" })}>
                  Sign out
                </button>
              </div>
            </div>
          ) : (
            <LoginForm callbackUrl={callbackUrl} initialError={params.get("error")} />
          )}
        </div>
        <p className={styles.footnote}>Accounts are created by a Bulwark admin. Forgot your password? Ask an admin to reset it.</p>
      </main>
    </div>
  );
}
