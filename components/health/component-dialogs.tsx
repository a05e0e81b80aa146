"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@/components/trpc/client";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { removeComponent } from "./derive";
import type { ComponentDetail } from "./types";

/** Pausing stops checks (and so alerts) until someone resumes; resuming starts from unknown. */
export function PauseDialog({ c, open, onClose }: { c: ComponentDetail; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pausing = !c.paused;
  const setPaused = useMutation(
    trpc.health.setPaused.mutationOptions({
      // A cheap toggle: show it at once; the live signal confirms it.
      onSuccess: (res) => {
        queryClient.setQueryData(trpc.health.component.queryKey({ id: c.id }), (old) => (old ? { ...old, paused: res.paused } : old));
        void queryClient.invalidateQueries(trpc.health.component.queryFilter({ id: c.id }));
      },
    }),
  );
  return (
    <ConfirmDialog
      open={open}
      onClose={onClose}
      title={pausing ? `Pause ${c.name}?` : `Resume ${c.name}?`}
      danger={pausing}
      testId="pause-dialog"
      confirmTestId="confirm-pause"
      confirmLabel={pausing ? "Pause checks" : "Resume checks"}
      onConfirm={() => setPaused.mutateAsync({ id: c.id, paused: pausing })}
    >
      <p>
        {pausing
          ? "The worker stops checking it: no results, no transitions, no alerts, until someone resumes it. Its service's state leaves it out. The pause is recorded in the audit log."
          : "The worker checks it again on its interval; its state is unknown until the first result arrives."}
      </p>
    </ConfirmDialog>
  );
}

/** Deleting removes the component with its history; the name must be typed to confirm. Admins only. */
export function DeleteDialog({ c, open, onClose }: { c: ComponentDetail; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const del = useMutation(trpc.health.deleteComponent.mutationOptions());
  return (
    <ConfirmDialog
      open={open}
      onClose={onClose}
      title={`Delete ${c.name}?`}
      testId="delete-dialog"
      confirmTestId="confirm-delete"
      typedTestId="delete-confirm-input"
      typed={c.name}
      confirmLabel="Delete component"
      onConfirm={async () => {
        await del.mutateAsync({ id: c.id });
        queryClient.setQueryData(trpc.health.overview.queryKey(), (old) => (old ? removeComponent(old, c.id) : old));
        queryClient.removeQueries(trpc.health.component.queryFilter({ id: c.id }));
        router.push("/health");
      }}
    >
      <p>
        This deletes the component, its transitions and its latency history, and stops its checks. It cannot be undone; the deletion is recorded in the audit
        log.
      </p>
    </ConfirmDialog>
  );
}
