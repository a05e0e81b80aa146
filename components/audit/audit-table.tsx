"use client";

import type { inferRouterOutputs } from "@trpc/server";
import { Fragment, useState } from "react";
import { DateTime } from "@/components/ui/relative-time";
import { shortId } from "@/components/ui/format";
import { IconChevronDown, IconChevronRight } from "@/components/ui/icons";
import type { AppRouter } from "@/server/routers/_app";
import styles from "./audit.module.css";

export type AuditEntry = inferRouterOutputs<AppRouter>["audit"]["list"]["items"][number];

function Details({ entry }: { entry: AuditEntry }) {
  return (
    <dl className={`kv ${styles.details}`}>
      <dt>Entry</dt>
      <dd className="mono">#{entry.id}</dd>
      <dt>Actor</dt>
      <dd>
        {entry.actorLabel} <span className="faint">({entry.actorType}{entry.actorId ? ` ${entry.actorId}` : ""})</span>
      </dd>
      <dt>Target</dt>
      <dd className="mono">
        {entry.targetType}
        {entry.targetId ? ` ${entry.targetId}` : ""}
      </dd>
      <dt>Request id</dt>
      <dd className="mono">{entry.requestId ?? "—"}</dd>
      <dt>At (UTC)</dt>
      <dd className="mono">{entry.at.toISOString()}</dd>
      <dt>Details</dt>
      <dd>{Object.keys(entry.details).length ? <pre className="json">{JSON.stringify(entry.details, null, 2)}</pre> : <span className="faint">none</span>}</dd>
    </dl>
  );
}

export function AuditTable({ items }: { items: AuditEntry[] }) {
  const [open, setOpen] = useState<Set<number>>(() => new Set());
  const toggle = (id: number) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  return (
    <table className={`table ${styles.table}`} data-testid="audit-table">
      <thead>
        <tr>
          <th scope="col" className={styles.toggleCol}>
            <span className="sr-only">Details</span>
          </th>
          <th scope="col">Time</th>
          <th scope="col">Actor</th>
          <th scope="col">Action</th>
          <th scope="col">Target</th>
          <th scope="col">Request id</th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => {
          const expanded = open.has(e.id);
          const detailId = `audit-detail-${e.id}`;
          return (
            <Fragment key={e.id}>
              <tr data-testid="audit-row" data-action={e.action} className={expanded ? styles.expanded : undefined}>
                <td className={styles.toggleCol}>
                  <button
                    type="button"
                    className="btn btn-ghost btn-sm btn-icon"
                    aria-expanded={expanded}
                    aria-controls={detailId}
                    aria-label={`${expanded ? "Hide" : "Show"} details of ${e.action} by ${e.actorLabel}`}
                    onClick={() => toggle(e.id)}
                  >
                    {expanded ? <IconChevronDown /> : <IconChevronRight />}
                  </button>
                </td>
                <td>
                  <DateTime date={e.at} />
                </td>
                <td>
                  <span className="truncate" style={{ maxWidth: 240 }} title={e.actorLabel}>
                    {e.actorLabel}
                  </span>
                  {e.actorType !== "user" ? <span className="badge" style={{ marginLeft: 6 }}>{e.actorType}</span> : null}
                </td>
                <td>
                  <code className={styles.action}>{e.action}</code>
                </td>
                <td>
                  <span className="muted">{e.targetType}</span>{" "}
                  {typeof e.details.email === "string" ? (
                    <span title={e.targetId ?? undefined}>{e.details.email}</span>
                  ) : e.targetId ? (
                    <span className="mono" title={e.targetId}>
                      {shortId(e.targetId)}
                    </span>
                  ) : null}
                </td>
                <td className="mono faint" title={e.requestId ?? undefined}>
                  {e.requestId ? shortId(e.requestId) : "—"}
                </td>
              </tr>
              {expanded ? (
                <tr id={detailId} className={styles.detailRow}>
                  <td />
                  <td colSpan={5}>
                    <Details entry={e} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
