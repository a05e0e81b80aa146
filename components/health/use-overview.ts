"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/client";
import { shareOverview } from "./derive";

/** `health.overview` with row-level structural sharing; every reader of the fleet uses this. */
export function useHealthOverview() {
  const trpc = useTRPC();
  return useQuery(trpc.health.overview.queryOptions(undefined, { structuralSharing: shareOverview }));
}
