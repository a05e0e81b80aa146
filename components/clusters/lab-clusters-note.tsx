"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/client";
import { IconInfo } from "@/components/ui/icons";
import styles from "./clusters.module.css";

/**
 * What the demo lab runs for this page: its PostgreSQL pair (with the writer
 * every switchover is measured on) and its Redis Sentinel trio, or why the
 * trio is missing. Nothing when the server runs without the lab.
 */
export function LabClustersNote() {
  const trpc = useTRPC();
  const lab = useQuery(trpc.lab.status.queryOptions(undefined, { refetchInterval: 5_000 }));
  const clusters = lab.data?.running ? lab.data.clusters : undefined;
  if (!clusters) return null;
  const { pg, redis } = clusters;
  const writer = pg.writer;
  return (
    <section className={`card card-body ${styles.labNote}`} aria-label="Demo lab clusters" data-testid="lab-clusters-note">
      <IconInfo />
      <div>
        <strong>Demo lab.</strong>{" "}
        {pg.status === "running" ? (
          <>
            <code>lab-pg</code> is a real PostgreSQL pair behind the lab&apos;s router (now forwarding to <code>{pg.routedTo ?? "nobody: holding"}</code>)
            {writer ? (
              <>
                ; its writer has committed {writer.acked.toLocaleString()} ids through the router, longest gap {Math.round(writer.longestGapMs)} ms
              </>
            ) : null}
            . Press Switchover on it and watch.
          </>
        ) : (
          <>The lab&apos;s PostgreSQL pair is {pg.status}{pg.error ? `: ${pg.error}` : ""}.</>
        )}{" "}
        {redis.status === "off" ? (
          <span data-testid="lab-redis-off">
            The Redis Sentinel trio is off: install <code>redis-server</code> and <code>redis-sentinel</code> (e.g. <code>apt-get install redis-server redis-sentinel</code>) and restart to get <code>lab-redis</code>.
          </span>
        ) : redis.status === "running" ? (
          <>
            <code>lab-redis</code> is a Redis master, a replica and three sentinels.
          </>
        ) : (
          <>The lab&apos;s Redis Sentinel trio is {redis.status}{redis.error ? `: ${redis.error}` : ""}.</>
        )}
      </div>
    </section>
  );
}
