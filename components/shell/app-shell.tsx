"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTRPC } from "@/components/trpc/client";
import { PasswordBanner } from "./password-banner";
import styles from "./shell.module.css";
import { Sidebar } from "./sidebar";
import { ThemeToggle } from "./theme-toggle";
import { UserMenu } from "./user-menu";
import { WorkerStatus } from "./worker-status";

/** Sidebar, top bar (live worker status, theme, user) and the page. `system.me` is prefetched by the server layout. */
export function AppShell({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const { data: me } = useQuery(trpc.system.me.queryOptions());
  return (
    <div className={styles.shell}>
      <a href="#main" className={styles.skip}>
        Skip to content
      </a>
      <Sidebar />
      <div className={styles.main}>
        <header className={styles.topbar}>
          <WorkerStatus />
          <span className="spacer" />
          <ThemeToggle />
          {me ? <UserMenu me={me} /> : null}
        </header>
        {me?.mustChangePassword ? <PasswordBanner /> : null}
        <main id="main" className={styles.content} tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
