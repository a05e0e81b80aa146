"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { FormError } from "@/components/ui/field";
import { IconDrill } from "@/components/ui/icons";
import { Status, type Tone } from "@/components/ui/status";
import type { LabServiceState, LabStatus, SetKnobsInput } from "@/server/lab/schemas";
import styles from "./lab.module.css";

const LATENCY_SLIDER_MAX = 5_000;

function tone(s: LabServiceState): { tone: Tone; label: string } {
  if (s.error) return { tone: "bad", label: "error" };
  if (s.down) return { tone: "bad", label: "down" };
  if (s.failureRate > 0 || s.latencyMs > 0) return { tone: "warn", label: "faults on" };
  return { tone: "ok", label: "normal" };
}

/**
 * The demo lab's sample services and their knobs: added latency, failure
 * rate and down. Operators and admins change them (each change is audited as
 * `lab.knobs.set`); viewers see them read-only. Changes made elsewhere arrive
 * through the live `lab` topic.
 */
export function LabCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: me } = useQuery(trpc.system.me.queryOptions());
  const canOperate = me?.role === "operator" || me?.role === "admin";
  // Changes arrive on the live `lab` topic; the slow refetch only notices a lab process that died or came back.
  const status = useQuery(trpc.lab.status.queryOptions(undefined, { refetchInterval: 30_000 }));
  useSubscription(
    trpc.live.events.subscriptionOptions({ topics: ["lab"] }, { onData: () => void queryClient.invalidateQueries(trpc.lab.status.pathFilter()) }),
  );

  const data: LabStatus | undefined = status.data;
  return (
    <section className="card" aria-labelledby="lab-title" data-testid="lab-card">
      <div className="card-header">
        <IconDrill />
        <h2 id="lab-title">Demo lab</h2>
        <span className="spacer" />
        {data ? <Status tone={data.running ? "ok" : "unknown"}>{data.running ? "running" : "not running"}</Status> : null}
      </div>
      {status.error ? (
        <div className="card-body">
          <FormError message={`Could not load the lab: ${errorMessage(status.error)}`} />
        </div>
      ) : !data ? (
        <div className="card-body">
          <p className="muted">Loading…</p>
        </div>
      ) : !data.running ? (
        <div className="card-body" data-testid="lab-off">
          <p className="muted">{data.reason}</p>
          <p className="muted">
            The lab is a few sample services on 127.0.0.1 (an API, a WebSocket endpoint and a checkout service that needs the database) whose latency and
            failures you can change here, so health has something live to show. <code>npm start</code> starts it with the embedded database unless it is given{" "}
            <code className="nowrap">--no-lab</code>.
          </p>
        </div>
      ) : (
        <>
          <div className="card-body" style={{ paddingBottom: 0 }}>
            <p className="muted">
              Sample services watched by the &ldquo;Demo lab&rdquo; components. Turn up latency or failures, or take one down, and watch the Health page follow.
              {canOperate ? " Each change is recorded in the audit log." : " Operators and admins can change these."}
            </p>
          </div>
          <ul className={styles.rows}>
            {data.services.map((s) => (
              <LabServiceRow key={s.name} service={s} canOperate={canOperate} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function LabServiceRow({ service: s, canOperate }: { service: LabServiceState; canOperate: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<{ latencyMs: number; failurePct: number } | null>(null);
  const mutation = useMutation(
    trpc.lab.setKnobs.mutationOptions({
      onSuccess: (next) => {
        queryClient.setQueryData(trpc.lab.status.queryKey(), (old) =>
          old?.running ? { ...old, services: old.services.map((x) => (x.name === next.name ? next : x)) } : old,
        );
        setDraft(null);
      },
    }),
  );
  const latencyMs = draft?.latencyMs ?? s.latencyMs;
  const failurePct = draft?.failurePct ?? Math.round(s.failureRate * 100);
  const dirty = draft !== null && (draft.latencyMs !== s.latencyMs || draft.failurePct !== Math.round(s.failureRate * 100));
  const disabled = !canOperate || mutation.isPending;
  const id = `lab-${s.name}`;
  const set = (patch: Omit<SetKnobsInput, "service">) => mutation.mutate({ service: s.name, ...patch });
  // The Down toggle is a cheap change: show it at once, the server's answer follows.
  const pendingDown = mutation.isPending ? mutation.variables?.down : undefined;
  const shownDown = pendingDown ?? s.down;
  const t = tone(s);
  const faulty = s.down || s.latencyMs > 0 || s.failureRate > 0;

  return (
    <li className={styles.row} data-testid="lab-service" data-service={s.name} data-down={s.down}>
      <div className={styles.name}>
        <span className={styles.title}>
          {s.label}
          <Status tone={t.tone}>{t.label}</Status>
        </span>
        <span className={styles.url} title={s.url}>
          {s.url}
        </span>
      </div>
      <div className={styles.knob}>
        <label htmlFor={`${id}-latency`}>Added latency (ms)</label>
        <div className={styles.knobControls}>
          <input
            type="range"
            min={0}
            max={LATENCY_SLIDER_MAX}
            step={50}
            value={Math.min(latencyMs, LATENCY_SLIDER_MAX)}
            disabled={disabled}
            aria-label={`${s.label} added latency slider`}
            onChange={(e) => setDraft({ latencyMs: Number(e.target.value), failurePct })}
          />
          <input
            id={`${id}-latency`}
            className={`input ${styles.number}`}
            type="number"
            min={0}
            max={30_000}
            step={10}
            value={latencyMs}
            disabled={disabled}
            data-testid="lab-latency"
            onChange={(e) => setDraft({ latencyMs: Math.max(0, Math.min(30_000, Math.round(Number(e.target.value) || 0))), failurePct })}
          />
        </div>
      </div>
      <div className={styles.knob}>
        <label htmlFor={`${id}-failure`}>Failure rate (%)</label>
        <div className={styles.knobControls}>
          <input
            type="range"
            min={0}
            max={100}
            step={5}
            value={failurePct}
            disabled={disabled}
            aria-label={`${s.label} failure rate slider`}
            onChange={(e) => setDraft({ latencyMs, failurePct: Number(e.target.value) })}
          />
          <input
            id={`${id}-failure`}
            className={`input ${styles.number}`}
            type="number"
            min={0}
            max={100}
            step={1}
            value={failurePct}
            disabled={disabled}
            data-testid="lab-failure"
            onChange={(e) => setDraft({ latencyMs, failurePct: Math.max(0, Math.min(100, Math.round(Number(e.target.value) || 0))) })}
          />
        </div>
      </div>
      <div className={styles.actions}>
        <label className={styles.toggle}>
          <input type="checkbox" checked={shownDown} disabled={disabled} data-testid="lab-down" onChange={(e) => set({ down: e.target.checked })} />
          Down
        </label>
        {canOperate ? (
          <>
            <button
              type="button"
              className="btn btn-primary btn-sm"
              disabled={!dirty || mutation.isPending}
              data-testid="lab-apply"
              onClick={() => draft && set({ latencyMs: draft.latencyMs, failureRate: draft.failurePct / 100 })}
            >
              Apply
            </button>
            <button
              type="button"
              className="btn btn-sm"
              disabled={(!faulty && !dirty) || mutation.isPending}
              title="No added latency, no failures, up"
              onClick={() => (faulty ? set({ latencyMs: 0, failureRate: 0, down: false }) : setDraft(null))}
            >
              Reset
            </button>
          </>
        ) : null}
      </div>
      {mutation.error || s.error ? (
        <div className={styles.rowError}>
          <FormError message={mutation.error ? errorMessage(mutation.error) : (s.error ?? undefined)} />
        </div>
      ) : null}
    </li>
  );
}
