"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";

export type LiveState = "connecting" | "live" | "reconnecting" | "failed" | "signed-out";

/**
 * The worker summary, kept current by the `live.workers` stream: every push is
 * written into the `system.workers` query cache, so any view reading that query
 * updates with it. Mount once (the shell does).
 */
export function useLiveWorkers() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.system.workers.queryOptions());
  const [connectedOnce, setConnectedOnce] = useState(false);
  const sub = useSubscription(
    trpc.live.workers.subscriptionOptions(undefined, {
      onStarted: () => setConnectedOnce(true),
      onData: (summary) => {
        setConnectedOnce(true);
        queryClient.setQueryData(trpc.system.workers.queryKey(), summary);
      },
    }),
  );

  let live: LiveState;
  const code = sub.error?.data?.code;
  if (code === "UNAUTHORIZED" || code === "FORBIDDEN") live = "signed-out";
  else if (sub.status === "pending") live = "live";
  else if (sub.status === "error") live = "failed";
  else live = connectedOnce || sub.error ? "reconnecting" : "connecting";

  return { summary: query.data, receivedAt: query.dataUpdatedAt, live, retry: sub.reset };
}
