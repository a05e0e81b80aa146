"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/client";
import { IconAlert } from "@/components/ui/icons";

/**
 * Component states come from the worker's checks. With no worker alive they
 * are only the last known states, and nothing is being checked: say so above
 * the grid. The shell keeps `system.workers` live, so this appears and clears
 * without a reload.
 */
export function WorkerDownNotice() {
  const trpc = useTRPC();
  const { data } = useQuery(trpc.system.workers.queryOptions());
  if (!data || data.state === "up") return null;
  return (
    <div className="alert alert-warn" role="status" data-testid="health-worker-down">
      <IconAlert />
      <div>
        <strong>No worker is checking components.</strong> The states below are from the last checks before the worker stopped and count as unknown
        until one is back. <code>npm start</code> runs a worker; a split deployment runs <code>npm run worker</code>.
      </div>
    </div>
  );
}
