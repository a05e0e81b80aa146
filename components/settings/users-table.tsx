"use client";

import type { inferRouterOutputs } from "@trpc/server";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status";
import type { Role } from "@/server/core/actor";
import type { AppRouter } from "@/server/routers/_app";
import { roleOptions } from "./roles";

export type UserRow = inferRouterOutputs<AppRouter>["users"]["list"][number];

export type UserAction = { kind: "role"; user: UserRow; role: Role } | { kind: "active"; user: UserRow; active: boolean } | { kind: "reset"; user: UserRow };

/** Every change here goes through a confirmation dialog; your own row cannot lock you out. */
export function UsersTable({ users, meId, onAction }: { users: UserRow[]; meId: string; onAction: (a: UserAction) => void }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="users-table">
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Last sign-in</th>
            <th scope="col" className="actions">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => {
            const self = u.id === meId;
            return (
              <tr key={u.id} data-testid="user-row" data-email={u.email} data-active={u.active}>
                <td className="nowrap">
                  <span className={u.active ? undefined : "muted"}>{u.email}</span>
                  {self ? (
                    <span className="badge badge-accent" style={{ marginLeft: 6 }}>
                      you
                    </span>
                  ) : null}
                </td>
                <td className={u.active ? "nowrap" : "nowrap muted"}>{u.name}</td>
                <td>
                  <select
                    className="select"
                    style={{ height: 28, width: 112 }}
                    aria-label={`Role of ${u.email}`}
                    data-testid="user-role-select"
                    value={u.role}
                    disabled={self}
                    title={self ? "You cannot change your own role" : undefined}
                    onChange={(e) => onAction({ kind: "role", user: u, role: e.target.value as Role })}
                  >
                    {roleOptions.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <span className="row" style={{ gap: 4, flexWrap: "nowrap" }}>
                    {u.active ? <StatusBadge tone="ok">Active</StatusBadge> : <StatusBadge tone="unknown">Deactivated</StatusBadge>}
                    {u.active && u.mustChangePassword ? (
                      <span className="badge badge-warn" title="Signs in with an admin-issued one-time password until they change it">
                        one-time password
                      </span>
                    ) : null}
                    {!u.hasPassword ? <span className="badge">SSO only</span> : null}
                  </span>
                </td>
                <td>
                  <RelativeTime date={u.lastLoginAt} intervalMs={30_000} />
                </td>
                <td className="actions">
                  <span className="row" style={{ justifyContent: "flex-end", gap: 4, flexWrap: "nowrap" }}>
                    <button
                      type="button"
                      className="btn btn-sm"
                      disabled={self || !u.active}
                      title={self ? "Change your own password under Your account" : !u.active ? "Reactivate the account first" : undefined}
                      onClick={() => onAction({ kind: "reset", user: u })}
                      aria-label={`Reset password of ${u.email}`}
                      data-testid="user-reset-password"
                    >
                      Reset password
                    </button>
                    <button
                      type="button"
                      className="btn btn-sm"
                      disabled={self}
                      title={self ? "You cannot deactivate yourself" : undefined}
                      onClick={() => onAction({ kind: "active", user: u, active: !u.active })}
                      aria-label={`${u.active ? "Deactivate" : "Reactivate"} ${u.email}`}
                      data-testid={u.active ? "user-deactivate" : "user-reactivate"}
                    >
                      {u.active ? "Deactivate" : "Reactivate"}
                    </button>
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
