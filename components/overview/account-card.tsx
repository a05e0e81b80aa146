"use client";

import Link from "next/link";
import { RoleBadge } from "@/components/shell/user-menu";
import { roleDescriptions } from "@/components/settings/roles";
import { IconUser } from "@/components/ui/icons";
import type { Role } from "@/server/core/actor";

export function AccountCard({ me }: { me: { name: string; email: string; role: Role } }) {
  return (
    <section className="card" aria-labelledby="account-title">
      <div className="card-header">
        <IconUser />
        <h2 id="account-title">Your account</h2>
        <span className="spacer" />
        <Link href="/settings">Settings</Link>
      </div>
      <div className="card-body stack" style={{ gap: 10 }}>
        <dl className="kv">
          <dt>Name</dt>
          <dd>{me.name}</dd>
          <dt>Email</dt>
          <dd>{me.email}</dd>
          <dt>Role</dt>
          <dd>
            <RoleBadge role={me.role} />
          </dd>
        </dl>
        <p className="muted">{roleDescriptions[me.role]}</p>
      </div>
    </section>
  );
}
