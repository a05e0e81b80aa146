"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { z } from "zod";
import { useRole } from "@/components/health/use-role";
import { useTRPC } from "@/components/trpc/client";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DateTime } from "@/components/ui/relative-time";
import type { ClusterDetail } from "@/server/failover/types";
import styles from "./clusters.module.css";

/** What the Patroni driver's observe() puts on the leader: GET /cluster's `scheduled_switchover`. */
const scheduledSwitchover = z.object({ at: z.string(), from: z.string().optional(), to: z.string().optional() });

/**
 * A switchover scheduled on Patroni's own side (e.g. `patronictl switchover
 * --scheduled`), which Bulwark did not start: shown so nobody is surprised by
 * it, and cancellable by an operator (DELETE /switchover).
 */
export function ExternalSchedule({ c }: { c: ClusterDetail }) {
  const { canOperate } = useRole();
  const [confirming, setConfirming] = useState(false);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cancel = useMutation(trpc.clusters.cancelExternalSchedule.mutationOptions());
  const found = c.members.map((m) => scheduledSwitchover.safeParse(m.details.scheduledSwitchover)).find((r) => r.success)?.data;
  if (!found) return null;
  return (
    <div className={`alert alert-warn ${styles.activeBanner}`} data-testid="external-schedule">
      <span className={styles.activeText}>
        <strong>Patroni has a switchover scheduled, not by Bulwark</strong>
        <span className="muted">
          {found.from ?? "the leader"} → {found.to ?? "any replica"} at <DateTime date={new Date(found.at)} />
        </span>
      </span>
      {canOperate ? (
        <button type="button" className="btn btn-sm" onClick={() => setConfirming(true)} data-testid="cancel-external-schedule">
          Cancel it
        </button>
      ) : null}
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title="Cancel Patroni's scheduled switchover?"
        confirmLabel="Cancel the switchover"
        confirmTestId="confirm-cancel-external-schedule"
        onConfirm={async () => {
          await cancel.mutateAsync({ id: c.id });
          await queryClient.invalidateQueries(trpc.clusters.pathFilter());
        }}
      >
        <p>Bulwark sends DELETE /switchover to Patroni; the cancellation is audited.</p>
      </ConfirmDialog>
    </div>
  );
}
