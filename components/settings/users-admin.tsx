"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { FormError } from "@/components/ui/field";
import { IconCheckCircle, IconPlus, IconUsers } from "@/components/ui/icons";
import { AddUserForm, type Created } from "./add-user-form";
import { OneTimePassword } from "./one-time-password";
import { UserActionDialog } from "./user-action-dialog";
import { type UserAction, UsersTable } from "./users-table";

/** Admins only: the server page checks the role before rendering this, and every procedure checks it again. */
export function UsersAdmin({ meId }: { meId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const [action, setAction] = useState<UserAction | null>(null);

  // Another admin's change shows up here without a reload.
  useSubscription(
    trpc.live.events.subscriptionOptions(
      { topics: ["user"] },
      { onData: () => void queryClient.invalidateQueries(trpc.users.list.pathFilter()) },
    ),
  );

  const count = users.data?.length ?? 0;
  const active = users.data?.filter((u) => u.active).length ?? 0;
  return (
    <div className="stack">
      <section className="card" aria-labelledby="users-title" data-testid="users-section">
        <div className="card-header">
          <IconUsers />
          <h2 id="users-title">Users</h2>
          {users.data ? (
            <span className="muted num">
              {active} active{count > active ? `, ${count - active} deactivated` : ""}
            </span>
          ) : null}
          <span className="spacer" />
          <button
            type="button"
            className="btn btn-primary btn-sm"
            aria-expanded={adding}
            aria-controls="add-user-panel"
            data-testid="add-user-toggle"
            onClick={() => {
              setAdding((v) => !v);
              setCreated(null);
            }}
          >
            <IconPlus />
            Add user
          </button>
        </div>
        {adding || created ? (
          <div id="add-user-panel" className="card-body" style={{ borderBottom: "1px solid var(--border)" }}>
            {created ? (
              created.oneTimePassword ? (
                <OneTimePassword email={created.email} password={created.oneTimePassword} onDone={() => setCreated(null)} />
              ) : (
                <div className="alert alert-ok" role="status" tabIndex={-1}>
                  <IconCheckCircle />
                  <span>
                    Added {created.name} ({created.email}) with the password you chose.
                  </span>
                  <span className="spacer" />
                  <button type="button" className="btn btn-sm" onClick={() => setCreated(null)}>
                    Dismiss
                  </button>
                </div>
              )
            ) : (
              <AddUserForm
                onCreated={(c) => {
                  setAdding(false);
                  setCreated(c);
                }}
                onCancel={() => setAdding(false)}
              />
            )}
          </div>
        ) : null}
        {users.isError ? (
          <div className="card-body">
            <FormError message={errorMessage(users.error)} />
          </div>
        ) : users.isPending ? (
          <div className="card-body muted">Loading…</div>
        ) : (
          <UsersTable users={users.data} meId={meId} onAction={setAction} />
        )}
      </section>
      <UserActionDialog action={action} onClose={() => setAction(null)} />
    </div>
  );
}
