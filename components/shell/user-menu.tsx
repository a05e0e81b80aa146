"use client";

import Link from "next/link";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { IconLogout } from "@/components/ui/icons";
import type { Role } from "@/server/core/actor";
import styles from "./shell.module.css";

export function RoleBadge({ role }: { role: Role }) {
  return (
    <span className={`badge ${role === "admin" ? "badge-accent" : ""}`} data-testid="role-badge">
      {role}
    </span>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? `${parts[0]![0]}${parts[parts.length - 1]![0]}` : (parts[0] ?? "?").slice(0, 2);
  return letters.toUpperCase();
}

/** Who is signed in (links to their account) and the way out. */
export function UserMenu({ me }: { me: { name: string; email: string; role: Role } }) {
  const [leaving, setLeaving] = useState(false);
  return (
    <div className={styles.user}>
      <Link href="/settings" className={styles.userLink} title={`${me.email} — your account`} data-testid="current-user">
        <span className={styles.avatar} aria-hidden="true">
          {initials(me.name)}
        </span>
        <span className={styles.userName}>{me.name}</span>
        <RoleBadge role={me.role} />
      </Link>
      <button
        type="button"
        className="btn btn-ghost btn-sm"
        data-testid="sign-out"
        disabled={leaving}
        onClick={() => {
          setLeaving(true);
          void signOut({ callbackUrl: "/login" });
        }}
      >
        <IconLogout />
        <span className={styles.hideNarrow}>Sign out</span>
      </button>
    </div>
  );
}
