"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef } from "react";
import { useTRPC } from "@/components/trpc/client";

/** A running operation emits a burst of step events: reload at most this often. */
const THROTTLE_MS = 300;

/**
 * Keeps the cluster pages current from the `cluster:*` topics of the live
 * stream. Events only say "this cluster changed" (operation started, step,
 * finished, observed); the open cluster queries are reloaded once per burst.
 * `topic`: one cluster (`cluster:<id>`) or all of them (`cluster:*`).
 */
export function useClustersLive(topic: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const last = useRef(0);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const reload = () => {
    timer.current = null;
    last.current = Date.now();
    for (const f of [
      trpc.clusters.list.pathFilter(),
      trpc.clusters.get.pathFilter(),
      trpc.clusters.operations.pathFilter(),
      trpc.clusters.operation.pathFilter(),
      trpc.clusters.preflight.pathFilter(),
    ]) {
      void queryClient.invalidateQueries(f);
    }
  };

  const schedule = () => {
    if (timer.current) return;
    timer.current = setTimeout(reload, Math.max(0, last.current + THROTTLE_MS - Date.now()));
  };

  useSubscription(
    trpc.live.events.subscriptionOptions(
      { topics: [topic] },
      {
        // Whatever committed between the server render and this stream opening is read once.
        onStarted: schedule,
        onData: schedule,
      },
    ),
  );
}
