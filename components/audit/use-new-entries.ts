"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC, useTRPCClient } from "@/components/trpc/client";
import type { toQueryInput } from "./use-audit-filters";

type Input = ReturnType<typeof toQueryInput>["input"];
const PEEK = 100;

/**
 * Counts audit entries newer than the top of the list that match the current
 * filters. Woken by every committed audit row (`live.auditTail`) and
 * throttled, so a burst of entries costs one small query.
 */
export function useNewEntries(input: Input, topId: number | undefined, enabled: boolean) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [found, setFound] = useState<{ count: number; more: boolean } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef({ input, topId });
  latest.current = { input, topId };

  // A new filter or a refreshed list starts the count again.
  const inputKey = JSON.stringify(input);
  useEffect(() => setFound(null), [inputKey, topId]);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const check = async () => {
    timer.current = null;
    const { input: i, topId: top } = latest.current;
    try {
      const res = await client.audit.list.query({ ...i, limit: PEEK });
      const count = res.items.filter((e) => top === undefined || e.id > top).length;
      setFound(count > 0 ? { count, more: count === PEEK && res.nextCursor !== undefined } : null);
    } catch {
      // The next event tries again; the list itself still works.
    }
  };

  useSubscription(
    trpc.live.auditTail.subscriptionOptions(undefined, {
      enabled,
      onData: () => {
        if (!timer.current) timer.current = setTimeout(() => void check(), 1000);
      },
    }),
  );

  return { found, dismiss: () => setFound(null) };
}
