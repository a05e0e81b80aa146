"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef } from "react";
import { z } from "zod";
import { useTRPC } from "@/components/trpc/client";
import { healthStates } from "@/server/health/schemas";
import { type Signal, applySignals, applyToDetail, removeComponent } from "./derive";

/** Events are applied in batches this often: one cache write and one render for a burst, well inside the 1 s budget. */
const FLUSH_MS = 120;
/** A component we do not know yet (added elsewhere) makes us reload the list, at most this often. */
const REFETCH_MS = 1_000;

const state = z.enum(healthStates);
const signalPayload = z.object({
  componentId: z.string(),
  state,
  ok: z.boolean().nullish(),
  latencyMs: z.number().nullish(),
  message: z.string().nullish(),
  at: z.coerce.date().optional(),
});
const transitionPayload = z.object({ componentId: z.string(), from: state.optional(), to: state });
const componentRef = z.object({ componentId: z.string() });

/**
 * Keeps `health.overview` (and any open `health.component`) current from the
 * `health` topic of the live stream. Signals are patched into the cache, never
 * refetched; counts and service states are recomputed in the browser. Mount
 * once per page that shows health.
 */
export function useHealthLive() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pending = useRef(new Map<string, Signal>());
  const flushTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const transitioned = useRef(false);

  useEffect(
    () => () => {
      if (flushTimer.current) clearTimeout(flushTimer.current);
      if (refetchTimer.current) clearTimeout(refetchTimer.current);
    },
    [],
  );

  const refetchList = () => {
    if (refetchTimer.current) return;
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = null;
      void queryClient.invalidateQueries(trpc.health.overview.queryFilter());
    }, REFETCH_MS);
  };

  const flush = () => {
    flushTimer.current = null;
    const batch = pending.current;
    pending.current = new Map();
    let missing: string[] = [];
    queryClient.setQueryData(trpc.health.overview.queryKey(), (old) => {
      if (!old) return old;
      const r = applySignals(old, batch);
      missing = r.missing;
      if (r.stateChanges > 0) transitioned.current = true;
      return r.next;
    });
    for (const s of batch.values()) {
      queryClient.setQueryData(trpc.health.component.queryKey({ id: s.componentId }), (old) => {
        if (old && old.state !== s.state) transitioned.current = true;
        return old ? applyToDetail(old, s) : old;
      });
    }
    if (missing.length > 0 && queryClient.getQueryData(trpc.health.overview.queryKey())) refetchList();
    if (transitioned.current) {
      transitioned.current = false;
      void queryClient.invalidateQueries(trpc.health.transitions.pathFilter());
      void queryClient.invalidateQueries(trpc.health.uptime.pathFilter());
    }
  };

  const queue = (s: Signal) => {
    const prev = pending.current.get(s.componentId);
    pending.current.set(s.componentId, prev ? { ...prev, ...s } : s);
    if (!flushTimer.current) flushTimer.current = setTimeout(flush, FLUSH_MS);
  };

  useSubscription(
    trpc.live.events.subscriptionOptions(
      { topics: ["health"] },
      {
        // Whatever committed between the server render and this stream opening is read once.
        onStarted: () => {
          void queryClient.invalidateQueries(trpc.health.overview.queryFilter());
          void queryClient.invalidateQueries(trpc.health.component.pathFilter());
        },
        onData: ({ data: e }) => {
          if (e.type === "health.signal") {
            const p = signalPayload.safeParse(e.payload);
            if (p.success) queue(p.data);
          } else if (e.type === "degradation.entered" || e.type === "degradation.recovered") {
            const p = transitionPayload.safeParse(e.payload);
            if (!p.success) return;
            transitioned.current = true;
            queue({ componentId: p.data.componentId, state: p.data.to });
          } else if (e.type === "component.deleted") {
            const ref = componentRef.safeParse(e.payload);
            if (!ref.success) return;
            queryClient.setQueryData(trpc.health.overview.queryKey(), (old) => (old ? removeComponent(old, ref.data.componentId) : old));
            // An open page of that component learns it is gone.
            void queryClient.invalidateQueries(trpc.health.component.queryFilter({ id: ref.data.componentId }));
          } else if (e.type === "component.created" || e.type === "component.updated") {
            // Definitions change rarely: reload the list (once for a burst, e.g. an import) and that component.
            const ref = componentRef.safeParse(e.payload);
            if (ref.success) void queryClient.invalidateQueries(trpc.health.component.queryFilter({ id: ref.data.componentId }));
            refetchList();
          } else if (e.type === "maintenance.changed") {
            void queryClient.invalidateQueries(trpc.health.component.pathFilter());
          }
        },
      },
    ),
  );
}
