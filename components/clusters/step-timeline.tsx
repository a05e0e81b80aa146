"use client";

import { CopyButton } from "@/components/ui/copy-button";
import { IconCheckCircle, IconXCircle } from "@/components/ui/icons";
import { useNow } from "@/components/ui/use-now";
import type { StepView } from "@/server/failover/types";
import styles from "./clusters.module.css";
import { formatMs } from "./format";

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 3 });

function StepIcon({ status }: { status: StepView["status"] }) {
  if (status === "running") return <span className="spinner status-warn" role="img" aria-label="running" />;
  if (status === "ok") return <IconCheckCircle className="status-ok" title="done" />;
  if (status === "failed") return <IconXCircle className="status-bad" title="failed" />;
  return <span className={styles.skipped} role="img" aria-label="skipped" />;
}

/** Each step as it ran: status, start and duration, the command made, its result and log lines. */
export function StepTimeline({ steps, running }: { steps: StepView[]; running: boolean }) {
  const now = useNow(250);
  if (steps.length === 0) {
    return <p className="card-body muted">{running ? "Starting…" : "No step ran."}</p>;
  }
  return (
    <ol className={styles.timeline} data-testid="step-timeline">
      {steps.map((s) => {
        const end = s.finishedAt?.getTime() ?? (s.status === "running" && now !== null ? now : null);
        const took = end !== null ? end - s.startedAt.getTime() : null;
        return (
          <li key={s.seq} className={styles.step} data-status={s.status} data-step={s.name} data-testid="step">
            <div className={styles.stepIcon}>
              <StepIcon status={s.status} />
            </div>
            <div className={styles.stepBody}>
              <div className={styles.stepHead}>
                <h3>{s.title}</h3>
                <span className="faint num">
                  {now === null ? "" : timeFmt.format(s.startedAt)}
                  {took !== null ? ` · ${formatMs(took)}` : ""}
                </span>
              </div>
              {s.command ? (
                <div className={styles.command}>
                  <pre className="mono" data-testid="step-command">
                    {s.command}
                  </pre>
                  <CopyButton text={s.command} />
                </div>
              ) : null}
              {s.result ? (
                <p className={s.status === "failed" ? "status-bad" : undefined} data-testid="step-result">
                  {s.result}
                </p>
              ) : null}
              {s.logs.length > 0 ? (
                <details className={styles.logs} open={s.status !== "ok"}>
                  <summary>
                    {s.logs.length} log line{s.logs.length === 1 ? "" : "s"}
                  </summary>
                  <ol className="mono">
                    {s.logs.map((l, i) => (
                      // Log lines are append-only: the index is their identity.
                      <li key={i}>
                        <span className="faint">{now === null ? "" : timeFmt.format(new Date(l.at))}</span> {l.msg}
                      </li>
                    ))}
                  </ol>
                </details>
              ) : null}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
