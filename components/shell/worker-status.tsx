"use client";

import Link from "next/link";
import { formatDuration, formatUtc } from "@/components/ui/format";
import { IconHelpCircle, IconRefresh, IconWifiOff, IconXCircle } from "@/components/ui/icons";
import { useNow } from "@/components/ui/use-now";
import type { WorkerSummary } from "@/server/events/worker-status";
import styles from "./shell.module.css";
import { type LiveState, useLiveWorkers } from "./use-workers";

function lastHeartbeat(summary: WorkerSummary): Date | null {
  let best: Date | null = null;
  for (const w of summary.workers) if (!best || w.lastSeenAt > best) best = w.lastSeenAt;
  return best;
}

/**
 * "Worker: up / down / unknown", pushed live. The state is in text and icon,
 * not colour alone; screen readers hear state changes, not the ticking seconds.
 * `data-state` is what the end-to-end tests wait on.
 */
export function WorkerStatus() {
  const { summary, receivedAt, live, retry } = useLiveWorkers();
  const now = useNow(1000);
  const state = summary?.state ?? "unknown";

  let detail: string | null = null;
  let title = "No worker has reported yet";
  if (summary && state === "down") {
    const last = lastHeartbeat(summary);
    if (last) {
      // Measure silence on the server's clock: checkedAt was "now" there when this summary arrived.
      const offset = summary.checkedAt.getTime() - receivedAt;
      const serverNow = (now ?? receivedAt) + offset;
      detail = ` for ${formatDuration(serverNow - last.getTime())}`;
      title = `Last heartbeat ${formatUtc(last)}`;
    } else {
      title = "No recent heartbeat";
    }
  } else if (summary && state === "up") {
    const alive = summary.workers.filter((w) => w.alive).length;
    title = `${alive} worker${alive === 1 ? "" : "s"} sending heartbeats`;
  }

  const Icon = state === "up" ? null : state === "down" ? IconXCircle : IconHelpCircle;
  return (
    <div className={styles.liveGroup}>
      <div
        className={`${styles.workerStatus} status status-${state === "up" ? "ok" : state === "down" ? "bad" : "unknown"}`}
        data-testid="worker-status"
        data-state={state}
        title={title}
        aria-live="polite"
        aria-atomic="true"
      >
        {Icon ? <Icon /> : <span className="dot dot-pulse" aria-hidden="true" />}
        <span>
          Worker: {state === "down" ? "down — no heartbeat" : state}
          {detail ? <span aria-hidden="true">{detail}</span> : null}
        </span>
      </div>
      <Connection live={live} retry={retry} />
    </div>
  );
}

function Connection({ live, retry }: { live: LiveState; retry: () => void }) {
  if (live === "live" || live === "connecting") return null;
  if (live === "signed-out") {
    return (
      <span className={`${styles.connection} status status-bad`} role="status" data-testid="live-connection" data-state="signed-out">
        <IconWifiOff />
        <span>
          Session ended — <Link href="/login">sign in again</Link>
        </span>
      </span>
    );
  }
  if (live === "failed") {
    return (
      <span className={`${styles.connection} status status-bad`} role="status" data-testid="live-connection" data-state="failed">
        <IconWifiOff />
        <span>Live updates stopped</span>
        <button type="button" className="btn btn-sm" onClick={retry}>
          <IconRefresh /> Retry
        </button>
      </span>
    );
  }
  return (
    <span className={`${styles.connection} status status-warn`} role="status" data-testid="live-connection" data-state="reconnecting" title="The live stream dropped; showing the last known state until it is back">
      <span className="spinner" aria-hidden="true" />
      <span>Reconnecting…</span>
    </span>
  );
}
