"use client";

import Link from "next/link";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status";
import { useNow } from "@/components/ui/use-now";
import type { MemberView, OperationKindName, OperationStatusName } from "@/server/failover/types";
import styles from "./clusters.module.css";
import { STALE_MS, kindLabel, lagText, operationHref, roleLabel, statusMeta } from "./format";

export function OperationStatusBadge({ status, testId }: { status: OperationStatusName; testId?: string }) {
  const m = statusMeta[status];
  return (
    <span data-testid={testId} data-status={status} className={styles.statusBadge}>
      <StatusBadge tone={m.tone}>
        {status === "running" ? <span className="spinner" aria-hidden="true" style={{ width: 10, height: 10 }} /> : null}
        {m.label}
      </StatusBadge>
    </span>
  );
}

/** The cluster's active operation, as a link to its page. */
export function ActiveOperationLink({ op }: { op: { id: string; kind: OperationKindName; status: OperationStatusName } }) {
  return (
    <Link href={operationHref(op.id)} className={styles.activeOp} data-testid="active-operation">
      <span>{kindLabel[op.kind]}</span>
      <OperationStatusBadge status={op.status} />
    </Link>
  );
}

/**
 * The role map at a glance: the primary first and highlighted, standbys with
 * their lag, members that are down in red. Icon + word, never colour alone.
 */
export function MemberChips({ members }: { members: MemberView[] }) {
  const order = { primary: 0, standby: 1, unknown: 2, down: 3 } as const;
  const sorted = [...members].sort((a, b) => order[a.role] - order[b.role] || a.name.localeCompare(b.name));
  if (sorted.length === 0) return <span className="faint">No members observed yet</span>;
  return (
    <ul className={styles.chips} aria-label="Members">
      {sorted.map((m) => (
        <li
          key={m.name}
          className={styles.chip}
          data-role={m.role}
          data-healthy={m.healthy ? "true" : "false"}
          data-testid="member-chip"
          data-member={m.name}
          title={m.message ?? `${m.host}:${m.port}`}
        >
          <span className={styles.chipName}>{m.name}</span>
          <span className={styles.chipRole}>{roleLabel[m.role]}</span>
          {m.role === "standby" ? <span className={`${styles.chipLag} num`}>{lagText(m.lagBytes, m.lagSeconds)}</span> : null}
          {!m.healthy && m.role !== "down" ? <span className={styles.chipRole}>unhealthy</span> : null}
        </li>
      ))}
    </ul>
  );
}

/** "observed 3s ago", warning when the observer has not reported for a while. */
export function Freshness({ observedAt, error }: { observedAt: Date | null; error: string | null }) {
  const now = useNow(1000);
  const stale = observedAt !== null && now !== null && now - observedAt.getTime() > STALE_MS;
  return (
    <span className={stale || error ? styles.stale : "muted"} data-testid="observed-at" data-stale={stale ? "true" : undefined}>
      {observedAt ? (
        <>
          observed <RelativeTime date={observedAt} />
        </>
      ) : (
        "not observed yet"
      )}
      {stale ? " (stale: is a worker running?)" : null}
    </span>
  );
}
