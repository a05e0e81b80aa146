"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { removeComponent } from "./derive";
import type { ComponentDetail } from "./types";

/** Pausing stops checks (and so alerts) until someone resumes; resuming starts from unknown. */
export function PauseDialog({ c, open, onClose }: { c: ComponentDetail; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string>();
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
  const close = () => {
    setError(undefined);
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title={pausing ? `Pause ${c.name}?` : `Resume ${c.name}?`}
      role={pausing ? "alertdialog" : "dialog"}
      testId="pause-dialog"
      actions={
        <>
          <button type="button" className="btn" onClick={close} data-autofocus>
            Cancel
          </button>
          <button
            type="button"
            className={pausing ? "btn btn-danger" : "btn btn-primary"}
            disabled={setPaused.isPending}
            data-testid="confirm-pause"
            onClick={async () => {
              try {
                await setPaused.mutateAsync({ id: c.id, paused: pausing });
                close();
              } catch (err) {
                setError(errorMessage(err));
              }
            }}
          >
            {setPaused.isPending ? <span className="spinner" aria-hidden="true" /> : null}
            {pausing ? "Pause checks" : "Resume checks"}
          </button>
        </>
      }
    >
      <p>
        {pausing
          ? "The worker stops checking it: no results, no transitions, no alerts, until someone resumes it. Its service's state leaves it out. The pause is recorded in the audit log."
          : "The worker checks it again on its interval; its state is unknown until the first result arrives."}
      </p>
      <FormError message={error} />
    </Dialog>
  );
}

/** Deleting removes the component with its history; the name must be typed to confirm. Admins only. */
export function DeleteDialog({ c, open, onClose }: { c: ComponentDetail; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string>();
  const del = useMutation(trpc.health.deleteComponent.mutationOptions());
  const close = () => {
    setTyped("");
    setError(undefined);
    onClose();
  };
  const matches = typed.trim() === c.name;
  return (
    <Dialog
      open={open}
      onClose={close}
      title={`Delete ${c.name}?`}
      role="alertdialog"
      testId="delete-dialog"
      actions={
        <>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn-danger"
            disabled={!matches || del.isPending}
            data-testid="confirm-delete"
            onClick={async () => {
              try {
                await del.mutateAsync({ id: c.id });
                queryClient.setQueryData(trpc.health.overview.queryKey(), (old) => (old ? removeComponent(old, c.id) : old));
                queryClient.removeQueries(trpc.health.component.queryFilter({ id: c.id }));
                router.push("/health");
              } catch (err) {
                setError(errorMessage(err));
              }
            }}
          >
            Delete component
          </button>
        </>
      }
    >
      <p>
        This deletes the component, its transitions and its latency history, and stops its checks. It cannot be undone; the deletion is recorded in the audit
        log.
      </p>
      <Field id="delete-confirm" label={<>Type <strong>{c.name}</strong> to confirm</>}>
        <input id="delete-confirm" className="input" autoComplete="off" spellCheck={false} value={typed} onChange={(e) => setTyped(e.target.value)} data-autofocus data-testid="delete-confirm-input" />
      </Field>
      <FormError message={error} />
    </Dialog>
  );
}
