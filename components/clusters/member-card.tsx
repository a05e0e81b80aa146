import { Status } from "@/components/ui/status";
import type { MemberView } from "@/server/failover/types";
import styles from "./clusters.module.css";
import { formatBytes, formatMs, roleLabel, roleTone } from "./format";

/** One member as last observed: role, health, timeline, position, lag and what the observer said. */
export function MemberCard({ m, kind }: { m: MemberView; kind: "postgres" | "redis" }) {
  return (
    <article className={styles.memberCard} data-role={m.role} data-testid="member-card" data-member={m.name} aria-label={`${m.name}: ${roleLabel[m.role]}`}>
      <header className={styles.memberHead}>
        <h3 className="mono">{m.name}</h3>
        <Status tone={roleTone(m.role, m.healthy)}>
          <span data-testid="member-role">{roleLabel[m.role]}</span>
        </Status>
      </header>
      <dl className={`kv ${styles.memberKv}`}>
        <dt>Address</dt>
        <dd className="mono">
          {m.host}:{m.port}
        </dd>
        <dt>Healthy</dt>
        <dd>{m.healthy ? "yes" : <span className="status-bad">no</span>}</dd>
        {kind === "postgres" ? (
          <>
            <dt>Timeline</dt>
            <dd className="num">{m.timeline ?? "—"}</dd>
          </>
        ) : null}
        <dt>{kind === "postgres" ? "LSN" : "Offset"}</dt>
        <dd className="mono">{m.position ?? "—"}</dd>
        {m.role !== "primary" ? (
          <>
            <dt>Lag</dt>
            <dd className="num" data-testid="member-lag">
              {m.lagBytes === null && m.lagSeconds === null ? (
                "—"
              ) : (
                <>
                  {formatBytes(m.lagBytes)}
                  {m.lagSeconds !== null ? <span className="muted"> · {formatMs(m.lagSeconds * 1000)}</span> : null}
                </>
              )}
            </dd>
          </>
        ) : null}
        {m.syncState ? (
          <>
            <dt>{kind === "postgres" ? "Sync state" : "Link"}</dt>
            <dd>{m.syncState}</dd>
          </>
        ) : null}
      </dl>
      {m.message ? <p className={m.healthy ? `muted ${styles.memberMsg}` : `status-bad ${styles.memberMsg}`}>{m.message}</p> : null}
    </article>
  );
}
