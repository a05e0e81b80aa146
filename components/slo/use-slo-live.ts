"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef } from "react";
import { useTRPC } from "@/components/trpc/client";

/** The evaluator emits a burst per cycle (one event per SLO that changed): reload at most this often. */
const THROTTLE_MS = 1_000;

/**
 * Keeps the SLO pages current from the `slo` topic of the live stream. SLO
 * figures are computed on the server, so events only say "something changed":
 * the open SLO queries are reloaded, once per burst. The preview and exports
 * are left alone (they are what the person asked for, not live state).
 */
export function useSloLive() {
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
      trpc.slo.list.pathFilter(),
      trpc.slo.detail.pathFilter(),
      trpc.slo.series.pathFilter(),
      trpc.slo.gate.pathFilter(),
      trpc.slo.overrides.pathFilter(),
      trpc.slo.policies.pathFilter(),
      trpc.slo.tokens.pathFilter(),
    ]) {
      void queryClient.invalidateQueries(f);
    }
  };

  const schedule = () => {
    if (timer.current) return;
    const wait = Math.max(0, last.current + THROTTLE_MS - Date.now());
    timer.current = setTimeout(reload, wait);
  };

  useSubscription(
    trpc.live.events.subscriptionOptions(
      { topics: ["slo"] },
      {
        // Whatever committed between the server render and this stream opening is read once.
        onStarted: schedule,
        onData: schedule,
      },
    ),
  );
}
