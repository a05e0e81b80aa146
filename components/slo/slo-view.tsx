"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { FormError } from "@/components/ui/field";
import { IconCheckCircle, IconChevronRight, IconXCircle } from "@/components/ui/icons";
import { DateTime, RelativeTime } from "@/components/ui/relative-time";
import { IconEdit, IconTrash } from "@/components/health/icons";
import { useRole } from "@/components/health/use-role";
import { AdjustmentsCard } from "./adjustments-card";
import { BudgetBar, budgetTone } from "./budget-bar";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DownloadButton } from "@/components/ui/download-button";
import { ExportOpenSloButton } from "./export-button";
import { formatBudget, formatBurn, formatMinutes, formatObjective, formatSli, methodLabel, sourceLabel, windowLabel } from "./format";
import { GateReasons } from "./gate-reasons";
import { IconGate } from "./icons";
import { SloCharts } from "./slo-charts";
import styles from "./slo.module.css";
import { SloStateBadge, sloStateMeta } from "./state";
import type { SloDetailData } from "./types";
import { useSloLive } from "./use-slo-live";

export function SloView({ id }: { id: string }) {
  const trpc = useTRPC();
  useSloLive();
  const { canOperate, isAdmin } = useRole();
  const q = useQuery(trpc.slo.detail.queryOptions({ id }));
  const [deleting, setDeleting] = useState(false);
  const d = q.data;

  if (q.isError) {
    return (
      <div className="page">
        <FormError message={errorMessage(q.error)} />
        <p style={{ marginTop: 12 }}>
          <Link href="/slos">Back to SLOs</Link>
        </p>
      </div>
    );
  }
  if (!d) return <div className="page muted">Loading…</div>;
  const s = d.slo;

  return (
    <div className="page" data-testid="slo-page" data-state={d.status.state}>
      <nav aria-label="Breadcrumb" className={styles.crumbs}>
        <Link href="/slos">SLOs</Link>
        <IconChevronRight />
        <Link href={`/slos?service=${s.serviceId}`}>{s.serviceName}</Link>
      </nav>
      <header className="page-header">
        <div style={{ minWidth: 0 }}>
          <h1 className={styles.title}>
            <span>{s.name}</span>
            <SloStateBadge state={d.status.state} error={d.status.error} testId="slo-state" />
          </h1>
          <p className={`lede ${styles.lede}`}>
            <span>
              <strong className="num">{formatObjective(s.objective)}</strong> over {windowLabel(s.window)}
            </span>
            <span className="badge">{sourceLabel(s.sli.source)}</span>
            <span className="faint">{methodLabel[s.budgetingMethod]}</span>
            <span>
              service <Link href={`/slos?service=${s.serviceId}`}>{s.serviceName}</Link>
            </span>
            {s.owner ? <span>owner {s.owner}</span> : null}
            <span>
              key <code data-testid="slo-key">{s.key}</code>
            </span>
          </p>
          {s.description ? <p className="muted" style={{ marginTop: 4 }}>{s.description}</p> : null}
        </div>
        <div className="spacer" />
        <div className="row" style={{ flexWrap: "wrap" }}>
          {s.sli.source === "prometheus" ? <PrometheusRulesButton id={s.id} /> : null}
          <ExportOpenSloButton ids={[s.id]} fileName={`${s.key}.openslo.yaml`} />
          {canOperate ? (
            <Link href={`/slos/${s.id}/edit`} className="btn" data-testid="edit-slo">
              <IconEdit />
              Edit
            </Link>
          ) : null}
          {isAdmin ? (
            <button type="button" className="btn" onClick={() => setDeleting(true)} data-testid="delete-slo">
              <IconTrash />
              Delete
            </button>
          ) : null}
        </div>
      </header>

      <div className="stack">
        {d.status.state === "error" && d.status.error ? (
          <div className="alert alert-bad" role="alert" data-testid="slo-error">
            <IconXCircle />
            <span>The SLI could not be read: {d.status.error}</span>
          </div>
        ) : null}
        <div className={styles.summary}>
          <BudgetCard d={d} />
          <GateCard d={d} />
          <SourceCard d={d} />
        </div>
        <SloCharts detail={d} />
        <div className={styles.columns}>
          <div className="stack">
            <BurnRatesCard d={d} />
            <TimelineCard d={d} />
          </div>
          <div className="stack">
            <AdjustmentsCard sloId={s.id} adjustments={d.adjustments} canOperate={canOperate} />
            <LabelsCard d={d} />
          </div>
        </div>
      </div>
      {isAdmin ? <DeleteSlo d={d} open={deleting} onClose={() => setDeleting(false)} /> : null}
    </div>
  );
}

function BudgetCard({ d }: { d: SloDetailData }) {
  const st = d.status;
  const tone = budgetTone(st.remaining);
  return (
    <section className="card" aria-labelledby="budget-title" data-testid="budget-card">
      <div className="card-header">
        <h2 id="budget-title">Error budget</h2>
      </div>
      <div className="card-body stack" style={{ gap: 8 }}>
        <div className="row" style={{ alignItems: "baseline", gap: 10 }}>
          <span className={styles.big} data-tone={tone === "none" ? undefined : tone} data-testid="budget-remaining">
            {st.remaining === null ? "No data" : formatBudget(st.remaining)}
          </span>
          <span className="muted">{st.remaining === null ? "" : st.remaining < 0 ? "overspent" : "left"}</span>
        </div>
        <BudgetBar remaining={st.remaining} />
        <dl className="kv">
          <dt>SLI</dt>
          <dd className="num" data-testid="slo-sli">
            {formatSli(st.sli)} <span className="faint">({st.good.toLocaleString()} good of {st.total.toLocaleString()})</span>
          </dd>
          <dt>Consumed</dt>
          <dd className="num">{formatBudget(st.consumed)}</dd>
          {d.slo.budgetingMethod !== "occurrences" ? (
            <>
              <dt>Minutes left</dt>
              <dd className="num">{formatMinutes(st.remainingMinutes)}</dd>
            </>
          ) : null}
          <dt>Exhausted</dt>
          <dd>
            {st.exhaustionAt ? (
              <>
                <RelativeTime date={st.exhaustionAt} intervalMs={60_000} /> <span className="faint">at the current burn</span>
              </>
            ) : (
              <span className="faint">{st.remaining !== null && st.remaining <= 0 ? "already" : "not at the current burn"}</span>
            )}
          </dd>
          <dt>Window</dt>
          <dd>{st.windowStart && st.windowEnd ? <><DateTime date={st.windowStart} /> → now</> : <span className="faint">—</span>}</dd>
          <dt>State since</dt>
          <dd>
            <RelativeTime date={st.stateSince} intervalMs={30_000} /> <span className="faint">— {sloStateMeta[st.state].description.toLowerCase()}</span>
          </dd>
          <dt>Evaluated</dt>
          <dd>
            <RelativeTime date={st.evaluatedAt} />
          </dd>
        </dl>
      </div>
    </section>
  );
}

function GateCard({ d }: { d: SloDetailData }) {
  const g = d.gate;
  return (
    <section className="card" aria-labelledby="gate-title" data-testid="gate-card">
      <div className="card-header">
        <IconGate />
        <h2 id="gate-title">Policy and deploy gate</h2>
      </div>
      <div className="card-body stack" style={{ gap: 8 }}>
        <div className={styles.gate} data-allowed={String(g.allowed)} data-testid="gate-answer">
          {g.allowed ? <IconCheckCircle /> : <IconXCircle />}
          {g.allowed ? `Deploys to ${g.service.name} allowed` : `Deploys to ${g.service.name} frozen`}
        </div>
        {g.override ? (
          <p className="alert alert-warn">
            Override until <DateTime date={g.override.expiresAt} />: {g.override.justification}
          </p>
        ) : null}
        <GateReasons gate={g} />
        <dl className="kv">
          <dt>Policy</dt>
          <dd>
            {d.policy ? (
              <>
                {d.policy.name} <span className="faint">({d.policy.scope === "slo" ? "this SLO" : `service ${d.policy.serviceName}`})</span>
              </>
            ) : (
              <span className="faint">
                none — <Link href="/slos/settings">attach one</Link>
              </span>
            )}
          </dd>
          <dt>Tier in effect</dt>
          <dd data-testid="policy-tier">{d.status.policyTier ?? <span className="faint">none</span>}</dd>
          {d.policy ? (
            <>
              <dt>Tiers</dt>
              <dd>
                {[...d.policy.tiers]
                  .sort((a, b) => b.below - a.below)
                  .map((t) => `${t.below === 0 ? "exhausted" : `< ${formatBudget(t.below)}`}: ${t.action}`)
                  .join(" · ")}
              </dd>
            </>
          ) : null}
        </dl>
      </div>
    </section>
  );
}

function SourceCard({ d }: { d: SloDetailData }) {
  const sli = d.slo.sli;
  return (
    <section className="card" aria-labelledby="source-title" data-testid="source-card">
      <div className="card-header">
        <h2 id="source-title">Indicator</h2>
        <span className="spacer" />
        <span className="badge">{sourceLabel(sli.source)}</span>
      </div>
      <div className="card-body stack" style={{ gap: 8 }}>
        <dl className="kv">
          {sli.source === "probe" ? (
            <>
              <dt>Component</dt>
              <dd>
                <Link href={`/health/${sli.componentId}`}>open component</Link>
              </dd>
              <dt>Good when</dt>
              <dd>{sli.measure === "latency" ? `the check passed in under ${sli.thresholdMs} ms` : "the check passed"}</dd>
            </>
          ) : null}
          {sli.source === "push" ? (
            <>
              <dt>Push to</dt>
              <dd>
                <code>POST /api/v1/sli</code> with <code>{`"key": "${d.slo.key}"`}</code>
              </dd>
            </>
          ) : null}
          {sli.source === "prometheus" ? (
            <>
              <dt>Server</dt>
              <dd className="mono">{sli.url}</dd>
              <dt>Good</dt>
              <dd className="mono">{sli.goodQuery}</dd>
              <dt>Total</dt>
              <dd className="mono">{sli.totalQuery}</dd>
            </>
          ) : null}
          {d.slo.timesliceTarget !== null ? (
            <>
              <dt>Good minute</dt>
              <dd>≥ {formatObjective(d.slo.timesliceTarget)} good</dd>
            </>
          ) : null}
          <dt>Data up to</dt>
          <dd>{d.source.foldedUntil ? <RelativeTime date={d.source.foldedUntil} /> : <span className="faint">nothing yet</span>}</dd>
          <dt>Last error</dt>
          <dd data-testid="source-error">
            {d.source.lastError ? (
              <span className="status status-bad">
                {d.source.lastError}
                {d.source.lastErrorAt ? (
                  <>
                    {" "}
                    (<RelativeTime date={d.source.lastErrorAt} />)
                  </>
                ) : null}
              </span>
            ) : (
              <span className="faint">none</span>
            )}
          </dd>
        </dl>
      </div>
    </section>
  );
}

function BurnRatesCard({ d }: { d: SloDetailData }) {
  return (
    <section className="card card-flush" aria-labelledby="burn-title" data-testid="burn-card">
      <div className="card-header">
        <h2 id="burn-title">Burn rates</h2>
        <span className="muted">1× spends exactly the budget over the window</span>
      </div>
      {d.rules.length === 0 ? (
        <div className="card-body muted">No alert rule applies to a window this short, or all are disabled.</div>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Windows</th>
                <th scope="col" className={styles.right}>Long</th>
                <th scope="col" className={styles.right}>Short</th>
                <th scope="col" className={styles.right}>Threshold</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {d.rules.map((r) => (
                <tr key={r.name} className={r.firing ? styles.firing : undefined} data-severity={r.severity} data-testid="burn-rule" data-firing={String(r.firing)}>
                  <td>
                    <span className="mono">{r.name}</span> <span className="faint">{r.severity}</span>
                  </td>
                  <td className="nowrap">
                    {r.longWindow} + {r.shortWindow}
                  </td>
                  <td className={`num ${styles.right}`}>{formatBurn(r.longBurn)}</td>
                  <td className={`num ${styles.right}`}>{formatBurn(r.shortBurn)}</td>
                  <td className={`num ${styles.right}`} title={`${formatBudget(r.budgetFraction)} of the budget`}>
                    {formatBurn(r.threshold)}
                  </td>
                  <td>{r.firing ? <span className={r.severity === "page" ? "badge badge-bad" : "badge badge-warn"}>firing</span> : <span className="faint">quiet</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

type TimelineItem = { key: string; at: Date; kind: "event" | "adjustment"; title: string; text: string };

function TimelineCard({ d }: { d: SloDetailData }) {
  const items: TimelineItem[] = [
    ...d.budgetEvents.map((e) => ({
      key: `e${e.id}`,
      at: e.at,
      kind: "event" as const,
      title: e.toTier ? `Tier: ${e.toTier}` : `Left tier ${e.fromTier ?? ""}`.trim(),
      text: `${e.cause}${e.remaining !== null ? ` — ${formatBudget(e.remaining)} left` : ""}`,
    })),
    ...d.adjustments.map((a) => ({ key: `a${a.id}`, at: a.start, kind: "adjustment" as const, title: "Adjustment", text: a.reason })),
  ].sort((a, b) => b.at.getTime() - a.at.getTime());
  return (
    <section className="card" aria-labelledby="timeline-title" data-testid="timeline-card">
      <div className="card-header">
        <h2 id="timeline-title">Timeline</h2>
        <span className="muted">Budget-policy tier changes and adjustments</span>
      </div>
      {items.length === 0 ? (
        <div className="card-body muted">Nothing yet. Tier changes of the budget policy and adjustments appear here.</div>
      ) : (
        <ul className={styles.plainList}>
          {items.map((i) => (
            <li key={i.key} className={styles.item} data-testid="timeline-item" data-kind={i.kind}>
              <span className={i.kind === "adjustment" ? "badge badge-warn" : "badge badge-accent"}>{i.kind === "adjustment" ? "adjustment" : "policy"}</span>
              <div className={styles.itemText}>
                <strong>{i.title}</strong>
                <span className="muted">{i.text}</span>
              </div>
              <span className={styles.itemTime}>
                <RelativeTime date={i.at} intervalMs={30_000} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function LabelsCard({ d }: { d: SloDetailData }) {
  const entries = Object.entries(d.slo.labels);
  return (
    <section className="card" aria-labelledby="labels-title">
      <div className="card-header">
        <h2 id="labels-title">Definition</h2>
      </div>
      <div className="card-body">
        <dl className="kv">
          <dt>Labels</dt>
          <dd>{entries.length ? entries.map(([k, v]) => <code key={k} style={{ marginRight: 6 }}>{`${k}=${v}`}</code>) : <span className="faint">none</span>}</dd>
          <dt>Low-traffic guard</dt>
          <dd>{d.slo.alerting.minShortWindowEvents !== undefined ? `${d.slo.alerting.minShortWindowEvents} events` : <span className="faint">default</span>}</dd>
          <dt>Rule overrides</dt>
          <dd>{Object.keys(d.slo.alerting.overrides ?? {}).length ? Object.keys(d.slo.alerting.overrides ?? {}).join(", ") : <span className="faint">none</span>}</dd>
          <dt>Created</dt>
          <dd>
            <DateTime date={d.slo.createdAt} />
          </dd>
          <dt>Updated</dt>
          <dd>
            <RelativeTime date={d.slo.updatedAt} intervalMs={30_000} />
          </dd>
        </dl>
      </div>
    </section>
  );
}

function PrometheusRulesButton({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (
    <DownloadButton
      label="Prometheus rules"
      title="Recording rules and multi-window burn-rate alerts for Prometheus"
      testId="prometheus-rules"
      fetchFile={async () => {
        const r = await queryClient.fetchQuery(trpc.slo.prometheusRules.queryOptions({ id }, { staleTime: 0, gcTime: 0 }));
        return { text: r.yaml, filename: r.filename, mime: "application/yaml" };
      }}
    />
  );
}

function DeleteSlo({ d, open, onClose }: { d: SloDetailData; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const del = useMutation(trpc.slo.delete.mutationOptions());
  return (
    <ConfirmDialog
      open={open}
      onClose={onClose}
      title={`Delete ${d.slo.name}?`}
      confirmLabel="Delete SLO"
      typed={d.slo.name}
      testId="delete-slo-dialog"
      onConfirm={async () => {
        await del.mutateAsync({ id: d.slo.id });
        queryClient.removeQueries(trpc.slo.detail.queryFilter({ id: d.slo.id }));
        await queryClient.invalidateQueries(trpc.slo.list.pathFilter());
        router.push("/slos");
      }}
    >
      <p>
        This deletes the SLO with its SLI history, adjustments and budget events. Deploy gates stop counting it. It cannot be undone; the deletion is recorded in the audit
        log.
      </p>
    </ConfirmDialog>
  );
}
