"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { FormError } from "@/components/ui/field";
import { IconInfo } from "@/components/ui/icons";
import { useChartColors } from "@/components/health/use-chart-colors";
import { previewInput } from "@/server/slo/schemas";
import { BudgetBar } from "./budget-bar";
import { formatObjective, formatSli } from "./format";
import styles from "./slo.module.css";
import { SloStateBadge } from "./state";
import { useDebounced } from "./use-debounced";

const dayFmt = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

/**
 * What this SLO would have been over the last 7 and 30 days, from data Bulwark
 * already has, recomputed ≈400 ms after the last change while the fields are valid.
 */
export function PreviewPanel({ values, id }: { values: unknown; id?: string }) {
  const trpc = useTRPC();
  const colors = useChartColors();
  const settled = useDebounced(values, 400);
  const parsed = useMemo(() => {
    const v = (settled ?? {}) as Record<string, unknown>;
    const r = previewInput.safeParse({ sli: v.sli, objective: v.objective, window: v.window, budgetingMethod: v.budgetingMethod, timesliceTarget: v.timesliceTarget, alerting: v.alerting, id });
    return r.success ? r.data : null;
  }, [settled, id]);
  const typing = JSON.stringify(values) !== JSON.stringify(settled);
  const q = useQuery(trpc.slo.preview.queryOptions(parsed ?? ({} as never), { enabled: parsed !== null, placeholderData: keepPreviousData, staleTime: 60_000, retry: false }));
  const data = parsed ? q.data : undefined;
  const objective = parsed?.objective;
  const points = (data?.daily ?? []).map((d) => ({ t: d.day.getTime(), sli: d.sli, total: d.total }));
  const hasData = points.some((p) => p.sli !== null);
  const lo = objective ? Math.max(0, Math.min(objective - (1 - objective) * 2, ...points.filter((p) => p.sli !== null).map((p) => p.sli as number)) - (1 - objective)) : 0;

  return (
    <section className={`card ${styles.preview}`} aria-labelledby="preview-title" data-testid="slo-preview" aria-busy={q.isFetching || typing}>
      <div className="card-header">
        <h2 id="preview-title">Live preview</h2>
        {(q.isFetching && parsed) || (typing && parsed) ? <span className="spinner faint" aria-label="Updating preview" data-testid="preview-loading" /> : null}
      </div>
      <div className="card-body stack" style={{ gap: 10 }}>
        {!parsed ? (
          <p className="muted" data-testid="preview-invalid">
            Fill in the indicator, objective and window to see what this SLO would have been over the last 7 and 30 days.
          </p>
        ) : null}
        {parsed && q.isError ? <FormError message={errorMessage(q.error)} /> : null}
        {data ? (
          <>
            <div className={styles.previewFigures}>
              {data.windows.map((w) => (
                <div key={w.days} className={styles.previewCell} data-testid={`preview-${w.days}d`}>
                  <span className="muted">Last {w.days} days</span>
                  <span className={styles.figure}>{formatSli(w.sli)}</span>
                  <SloStateBadge state={w.state} />
                  <BudgetBar remaining={w.remaining} />
                  <span className={styles.figureSmall}>{w.total > 0 ? `${w.good.toLocaleString()} good of ${w.total.toLocaleString()}` : "no events"}</span>
                </div>
              ))}
            </div>
            {data.note ? (
              <p className="hint row" style={{ alignItems: "flex-start", gap: 6 }} data-testid="preview-note">
                <IconInfo />
                <span>{data.note}</span>
              </p>
            ) : !hasData ? (
              <p className="hint" data-testid="preview-note">
                No data for this indicator in the last 30 days. The SLO will show &quot;no data&quot; until events arrive.
              </p>
            ) : null}
            {hasData && objective ? (
              <div style={{ height: 150 }} role="img" aria-label="Daily SLI over the last 30 days">
                <ResponsiveContainer width="100%" height="100%">
                  <BarChart data={points} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
                    <CartesianGrid stroke={colors["--border"]} strokeDasharray="3 3" vertical={false} />
                    <XAxis dataKey="t" tickFormatter={(t: number) => dayFmt.format(t)} stroke={colors["--text-muted"]} fontSize={11} minTickGap={24} />
                    <YAxis domain={[lo, 1]} tickFormatter={(v: number) => formatSli(v)} stroke={colors["--text-muted"]} fontSize={11} width={60} allowDataOverflow />
                    <Tooltip
                      labelFormatter={(t) => dayFmt.format(Number(t))}
                      formatter={(v) => [formatSli(typeof v === "number" ? v : null), "SLI"]}
                      contentStyle={{ background: colors["--surface"], border: `1px solid ${colors["--border"]}`, borderRadius: 6, color: colors["--text"] }}
                    />
                    <ReferenceLine y={objective} stroke={colors["--bad"]} strokeDasharray="4 3" label={{ value: formatObjective(objective), fill: colors["--text-muted"], fontSize: 11, position: "insideBottomRight" }} />
                    <Bar dataKey="sli" fill={colors["--accent"]} isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </div>
            ) : null}
          </>
        ) : parsed && q.isPending ? (
          <p className="muted">Computing…</p>
        ) : null}
        <p className="hint">Computed from stored data only; nothing is saved until you press Save.</p>
      </div>
    </section>
  );
}
