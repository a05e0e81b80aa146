"use client";

import { useLiveInvalidate } from "@/components/trpc/use-live-invalidate";

/** A running operation emits a burst of step events: reload at most this often. */
const THROTTLE_MS = 300;

/**
 * Keeps the cluster pages current from the `cluster:*` topics (operation
 * started, step, finished; roles changed). `topic`: one cluster
 * (`cluster:<id>`) or all of them (`cluster:*`).
 */
export function useClustersLive(topic: string) {
  useLiveInvalidate(
    [topic],
    (trpc) => [
      trpc.clusters.list.pathFilter(),
      trpc.clusters.get.pathFilter(),
      trpc.clusters.operations.pathFilter(),
      trpc.clusters.operation.pathFilter(),
      trpc.clusters.preflight.pathFilter(),
    ],
    THROTTLE_MS,
  );
}
