"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/client";

/** What the signed-in person may do here. The server checks again on every call; this only hides controls. */
export function useRole() {
  const trpc = useTRPC();
  const { data: me } = useQuery(trpc.system.me.queryOptions());
  const role = me?.role;
  return { role, canOperate: role === "operator" || role === "admin", isAdmin: role === "admin" };
}
