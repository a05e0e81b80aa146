"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { CopyButton } from "@/components/ui/copy-button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { IconKey, IconRefresh } from "@/components/ui/icons";
import { formatInterval } from "./format";
import type { ComponentDetail } from "./types";

export function pushUrlFor(token: string): string {
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return `${origin}/api/v1/push/${token}`;
}

/** The heartbeat URL with its secret token: stored only as a hash, so this is the one time it can be read. */
export function PushUrlOnce({ token, onDone }: { token: string; onDone?: () => void }) {
  const url = pushUrlFor(token);
  return (
    <div className="alert alert-warn" role="status" data-testid="push-url" style={{ flexDirection: "column", alignItems: "stretch", gap: 8 }}>
      <div className="row" style={{ gap: 8 }}>
        <IconKey />
        <strong>Heartbeat URL — shown only this once</strong>
      </div>
      <p>Bulwark keeps only a hash of the token. Copy the URL into the job now; if it is lost, rotate the token to get a new one.</p>
      <div className="secret">
        <span data-testid="push-url-value">{url}</span>
        <CopyButton text={url} testId="copy-push-url" />
      </div>
      <p className="hint">
        The job calls it after each successful run, e.g. <code>curl -fsS -X POST {url}</code>. GET works too.
      </p>
      {onDone ? (
        <div>
          <button type="button" className="btn btn-sm" onClick={onDone}>
            Done — I saved it
          </button>
        </div>
      ) : null}
    </div>
  );
}

export function PushCard({ c, canOperate }: { c: ComponentDetail; canOperate: boolean }) {
  const trpc = useTRPC();
  const [token, setToken] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const rotate = useMutation(trpc.health.rotatePushToken.mutationOptions());
  const grace = typeof c.config.graceMs === "number" ? c.config.graceMs : 0;
  return (
    <section className="card" aria-labelledby="push-title" data-testid="push-card">
      <div className="card-header">
        <IconKey />
        <h2 id="push-title">Heartbeat URL</h2>
        <span className="spacer" />
        {canOperate ? (
          <button type="button" className="btn btn-sm" onClick={() => setConfirming(true)} data-testid="rotate-token">
            <IconRefresh />
            Rotate token
          </button>
        ) : null}
      </div>
      <div className="card-body stack" style={{ gap: 10 }}>
        {token ? <PushUrlOnce token={token} onDone={() => setToken(null)} /> : null}
        <p className="muted">
          The job calls <code>/api/v1/push/&lt;token&gt;</code>. With no heartbeat for {formatInterval(c.intervalMs)}
          {grace ? ` plus ${formatInterval(grace)} grace` : ""}, the component turns unhealthy.{" "}
          {c.pushUrl ? null : c.hasPushToken ? "The token was shown once when it was created; it cannot be read again." : "No token is set yet: rotate to create one."}
        </p>
        {c.pushUrl ? (
          <div className="secret">
            <span>{c.pushUrl}</span>
            <CopyButton text={c.pushUrl} />
          </div>
        ) : null}
      </div>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title="Rotate the heartbeat token?"
        confirmLabel="Rotate token"
        confirmTestId="confirm-rotate"
        onConfirm={async () => {
          const res = await rotate.mutateAsync({ id: c.id });
          setToken(res.pushToken);
        }}
      >
        <p>The current URL stops working at once: the job&apos;s heartbeats are refused until it uses the new URL, and the component turns unhealthy when its interval runs out.</p>
      </ConfirmDialog>
    </section>
  );
}
