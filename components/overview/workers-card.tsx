"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/client";
import { RelativeTime } from "@/components/ui/relative-time";
import { Status, type Tone } from "@/components/ui/status";
import { IconServer } from "@/components/ui/icons";
import type { WorkerView } from "@/server/events/worker-status";

/** Past this, a silent worker is history (crashed or killed), not an alarm; the header still says "down" if none is alive. */
const GONE_AFTER_MS = 60_000;

function workerTone(w: WorkerView, checkedAt: Date): { tone: Tone; label: string; title?: string } {
  if (w.alive) return { tone: "ok", label: "running" };
  if (w.status === "stopped") return { tone: "unknown", label: "stopped" };
  if (checkedAt.getTime() - w.lastSeenAt.getTime() > GONE_AFTER_MS) {
    return { tone: "unknown", label: "gone", title: `Last said "${w.status}", then went silent without reporting that it stopped` };
  }
  if (w.status === "stopping") return { tone: "warn", label: "stopping" };
  return { tone: "bad", label: "silent", title: "Says it is running but has stopped sending heartbeats" };
}

const summaryText = { up: "At least one worker is sending heartbeats.", down: "No worker has sent a heartbeat recently: probes, SLO evaluation and operations are not running.", unknown: "No worker has ever reported to this database." } as const;

/**
 * Workers and their heartbeats. State changes arrive over the shell's live
 * stream; the table also refreshes every few seconds so "last seen" stays true.
 */
export function WorkersCard() {
  const trpc = useTRPC();
  const { data, isPending, error } = useQuery(trpc.system.workers.queryOptions(undefined, { refetchInterval: 5000 }));
  const state = data?.state ?? "unknown";
  return (
    <section className="card" id="workers" aria-labelledby="workers-title">
      <div className="card-header">
        <IconServer />
        <h2 id="workers-title">Workers</h2>
        <span className="spacer" />
        {data ? <Status tone={state === "up" ? "ok" : state === "down" ? "bad" : "unknown"}>{state}</Status> : null}
      </div>
      <div className="card-body" style={{ paddingBottom: data?.workers.length ? 8 : undefined }}>
        <p className="muted">
          {error ? "Could not load worker status." : isPending ? "Loading…" : summaryText[state]}{" "}
          {state !== "up" && !isPending ? (
            <>
              <code>npm start</code> runs one next to the web server; in a split deployment run <code>npm run worker</code>.
            </>
          ) : null}
        </p>
      </div>
      {data && data.workers.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="workers-table">
            <thead>
              <tr>
                <th scope="col">Worker</th>
                <th scope="col">Host</th>
                <th scope="col">PID</th>
                <th scope="col">Version</th>
                <th scope="col">State</th>
                <th scope="col">Started</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {data.workers.map((w) => {
                const t = workerTone(w, data.checkedAt);
                return (
                  <tr key={w.workerId}>
                    <td className="mono">
                      <span className="truncate" style={{ maxWidth: 220 }} title={w.workerId}>
                        {w.workerId}
                      </span>
                    </td>
                    <td>{w.hostname}</td>
                    <td className="num">{w.pid}</td>
                    <td className="mono">{w.version}</td>
                    <td title={t.title}>
                      <Status tone={t.tone}>{t.label}</Status>
                    </td>
                    <td>
                      <RelativeTime date={w.startedAt} intervalMs={10_000} />
                    </td>
                    <td>
                      <RelativeTime date={w.lastSeenAt} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
