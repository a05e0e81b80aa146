"use client";

import { useLiveInvalidate } from "@/components/trpc/use-live-invalidate";

/** The evaluator emits a burst per cycle (one event per SLO that changed): reload at most this often. */
const THROTTLE_MS = 1_000;

/**
 * Keeps the SLO pages current from the `slo` topic. The preview and exports
 * are left alone (they are what the person asked for, not live state).
 */
export function useSloLive() {
  useLiveInvalidate(
    ["slo"],
    (trpc) => [
      trpc.slo.list.pathFilter(),
      trpc.slo.detail.pathFilter(),
      trpc.slo.series.pathFilter(),
      trpc.slo.gate.pathFilter(),
      trpc.slo.overrides.pathFilter(),
      trpc.slo.policies.pathFilter(),
      trpc.slo.tokens.pathFilter(),
    ],
    THROTTLE_MS,
  );
}
