"use client";

import { useQuery } from "@tanstack/react-query";
import { RoleBadge } from "@/components/shell/user-menu";
import { useTRPC } from "@/components/trpc/client";
import { IconKey, IconUser } from "@/components/ui/icons";
import { ChangePasswordForm } from "./change-password-form";
import { roleDescriptions } from "./roles";

export function AccountSection() {
  const trpc = useTRPC();
  const { data: me } = useQuery(trpc.system.me.queryOptions());
  if (!me) return null;
  return (
    <div className="stack" style={{ maxWidth: 720 }}>
      <section className="card" aria-labelledby="account-title" data-testid="account-section">
        <div className="card-header">
          <IconUser />
          <h2 id="account-title">Your account</h2>
        </div>
        <div className="card-body stack" style={{ gap: 10 }}>
          <dl className="kv">
            <dt>Name</dt>
            <dd data-testid="account-name">{me.name}</dd>
            <dt>Email</dt>
            <dd data-testid="account-email">{me.email}</dd>
            <dt>Role</dt>
            <dd>
              <RoleBadge role={me.role} />
            </dd>
          </dl>
          <p className="muted">
            {roleDescriptions[me.role]} {me.role === "admin" ? "" : "Only an admin can change your name, email or role."}
          </p>
        </div>
      </section>
      <section className="card" aria-labelledby="change-password" id="change-password-card">
        <div className="card-header">
          <IconKey />
          <h2 id="change-password" tabIndex={-1}>
            Change password
          </h2>
        </div>
        <div className="card-body">
          <ChangePasswordForm mustChange={me.mustChangePassword} />
        </div>
      </section>
    </div>
  );
}
