"use client";

import { type QueryFilters, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef } from "react";
import { useTRPC } from "./client";

type Trpc = ReturnType<typeof useTRPC>;

/**
 * Keeps server-computed pages current from the live stream: events only say
 * "something changed on these topics", so the given queries are reloaded,
 * once per burst (at most every `throttleMs`), and once when the stream opens
 * (whatever committed between the server render and the subscription).
 */
export function useLiveInvalidate(topics: string[], filters: (trpc: Trpc) => QueryFilters[], throttleMs: number) {
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
    for (const f of filters(trpc)) void queryClient.invalidateQueries(f);
  };

  const schedule = () => {
    if (timer.current) return;
    timer.current = setTimeout(reload, Math.max(0, last.current + throttleMs - Date.now()));
  };

  useSubscription(trpc.live.events.subscriptionOptions({ topics }, { onStarted: schedule, onData: schedule }));
}
