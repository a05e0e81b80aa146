"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Area, AreaChart, CartesianGrid, Line, LineChart, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { FormError } from "@/components/ui/field";
import { useChartColors } from "@/components/health/use-chart-colors";
import { formatBudget, formatObjective, formatSli } from "./format";
import styles from "./slo.module.css";
import type { SloDetailData } from "./types";

const ranges = [
  { days: 1, label: "24 h", title: "Last 24 hours, per hour" },
  { days: 7, label: "7 d", title: "Last 7 days, per hour" },
  { days: 30, label: "30 d", title: "Last 30 days, per day" },
  { days: 90, label: "90 d", title: "Last 90 days, per day" },
] as const;

const hourFmt = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
// Day buckets are UTC days: label them as such, or they read a day early west of Greenwich.
const dayFmt = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

/**
 * SLI per period with the objective as a reference line, and the budget
 * burn-down over the window. Adjustments are shaded on both; budget-policy
 * tier changes are vertical markers.
 */
/**
 * The range that fits the SLO: its window (a 7-day SLO opens on 7 days, per
 * hour), but 24 hours for an SLO younger than two days, whose longer ranges
 * would be one lonely point at the right edge.
 */
function defaultRange(detail: SloDetailData): number {
  if (Date.now() - detail.slo.createdAt.getTime() < 2 * 86_400_000) return 1;
  const w = detail.slo.window;
  const windowDays = w.kind === "rolling" ? w.days : w.unit === "week" ? 7 : w.unit === "month" ? 30 : 90;
  return ranges.find((r) => r.days >= windowDays)?.days ?? 90;
}

export function SloCharts({ detail }: { detail: SloDetailData }) {
  const trpc = useTRPC();
  const colors = useChartColors();
  const [days, setDays] = useState<number>(() => defaultRange(detail));
  const id = detail.slo.id;
  const q = useQuery(trpc.slo.series.queryOptions({ id, days }, { placeholderData: keepPreviousData, refetchInterval: 60_000 }));
  const objective = detail.slo.objective;
  const points = (q.data?.points ?? []).map((p) => ({ t: p.t.getTime(), sli: p.sli, remaining: p.remaining, total: p.total, good: p.good }));
  const first = points[0]?.t;
  const last = points.at(-1)?.t;
  const hourly = q.data?.resolution === "hour";
  const fmt = (t: number) => (hourly ? hourFmt.format(t) : dayFmt.format(t));
  const adjustments = (q.data?.adjustments ?? detail.adjustments)
    .map((a) => ({ id: a.id, x1: Math.max(a.start.getTime(), first ?? 0), x2: Math.min(a.end.getTime(), last ?? Number.MAX_SAFE_INTEGER), reason: a.reason }))
    .filter((a) => first !== undefined && last !== undefined && a.x2 > a.x1);
  const maintenance = (q.data?.maintenance ?? [])
    .map((m, i) => ({ id: i, x1: Math.max(m.start.getTime(), first ?? 0), x2: Math.min(m.end.getTime(), last ?? Number.MAX_SAFE_INTEGER) }))
    .filter((m) => first !== undefined && last !== undefined && m.x2 > m.x1);
  const events = detail.budgetEvents.map((e) => ({ id: e.id, t: e.at.getTime(), label: e.toTier ?? "recovered" })).filter((e) => first !== undefined && last !== undefined && e.t >= first && e.t <= last);
  const slis = points.map((p) => p.sli).filter((v): v is number => v !== null);
  const budget = 1 - objective;
  const lo = Math.max(0, Math.min(objective - budget * 2, ...slis) - budget);
  const remainings = points.map((p) => p.remaining).filter((v): v is number => v !== null);
  const rLo = Math.min(0, ...remainings);
  const tooltipStyle = { background: colors["--surface"], border: `1px solid ${colors["--border"]}`, borderRadius: 6, color: colors["--text"] };
  const axis = { stroke: colors["--text-muted"], fontSize: 12 };
  const shade = colors["--warn"];
  const maint = colors["--text-muted"];

  const overlays = (yTop: number, yBottom: number) => [
    ...adjustments.map((a) => <ReferenceArea key={`a${a.id}`} x1={a.x1} x2={a.x2} y1={yBottom} y2={yTop} fill={shade} fillOpacity={0.15} stroke={shade} strokeOpacity={0.4} ifOverflow="hidden" />),
    ...maintenance.map((m) => <ReferenceArea key={`m${m.id}`} x1={m.x1} x2={m.x2} y1={yBottom} y2={yTop} fill={maint} fillOpacity={0.12} stroke={maint} strokeOpacity={0.35} ifOverflow="hidden" />),
    ...events.map((e) => (
      <ReferenceLine key={`e${e.id}`} x={e.t} stroke={colors["--text-muted"]} strokeDasharray="2 3" label={{ value: e.label, position: "insideTopLeft", fill: colors["--text-muted"], fontSize: 11 }} />
    )),
  ];

  return (
    <section className="card" aria-labelledby="charts-title" data-testid="slo-charts">
      <div className="card-header">
        <h2 id="charts-title">SLI and error budget</h2>
        {q.isFetching ? <span className="spinner faint" aria-label="Loading" /> : null}
        <span className="spacer" />
        <div className="segmented" role="group" aria-label="Time range">
          {ranges.map((r) => (
            <button key={r.days} type="button" aria-pressed={days === r.days} title={r.title} onClick={() => setDays(r.days)} data-testid={`range-${r.days}d`}>
              {r.label}
            </button>
          ))}
        </div>
      </div>
      <div className={styles.chartBody}>
        {q.isError ? <FormError message={errorMessage(q.error)} /> : null}
        {q.isPending ? <div className={styles.chartEmpty}>Loading…</div> : null}
        {q.data && slis.length === 0 ? (
          <div className={styles.chartEmpty} data-testid="charts-empty">
            <p>No data in this range yet.</p>
            <p className="hint">
              {detail.slo.sli.source === "push"
                ? "Events pushed to /api/v1/sli appear here within a minute."
                : detail.slo.sli.source === "probe"
                  ? "Checks of the component are counted every minute."
                  : "The worker reads the Prometheus queries every minute."}
            </p>
          </div>
        ) : null}
        {q.data && slis.length > 0 ? (
          <>
            <h3 className={styles.chartTitle}>SLI per {hourly ? "hour" : "day"}</h3>
            <div className={styles.chart} role="img" aria-label={`SLI per ${hourly ? "hour" : "day"} over the last ${days} days, objective ${formatObjective(objective)}`}>
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                  <CartesianGrid stroke={colors["--border"]} strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={fmt} {...axis} minTickGap={40} />
                  <YAxis domain={[lo, 1]} tickFormatter={(v: number) => formatSli(v)} {...axis} width={72} allowDataOverflow />
                  <Tooltip labelFormatter={(t) => fmt(Number(t))} formatter={(v) => [formatSli(typeof v === "number" ? v : null), "SLI"]} contentStyle={tooltipStyle} />
                  {overlays(1, lo)}
                  <ReferenceLine y={objective} stroke={colors["--bad"]} strokeDasharray="6 3" label={{ value: `objective ${formatObjective(objective)}`, position: "insideBottomRight", fill: colors["--bad"], fontSize: 11 }} />
                  <Line type="monotone" dataKey="sli" stroke={colors["--accent"]} strokeWidth={2} dot={points.length < 40} connectNulls={false} isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
            </div>
            <h3 className={styles.chartTitle}>Error budget remaining over the window</h3>
            <div className={styles.chart} role="img" aria-label="Error budget remaining over the window (burn-down)">
              <ResponsiveContainer width="100%" height="100%">
                <AreaChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                  <CartesianGrid stroke={colors["--border"]} strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={fmt} {...axis} minTickGap={40} />
                  <YAxis domain={[rLo, 1]} tickFormatter={(v: number) => formatBudget(v)} {...axis} width={72} allowDataOverflow />
                  <Tooltip labelFormatter={(t) => fmt(Number(t))} formatter={(v) => [formatBudget(typeof v === "number" ? v : null), "Budget left"]} contentStyle={tooltipStyle} />
                  {overlays(1, rLo)}
                  <ReferenceLine y={0} stroke={colors["--bad"]} label={{ value: "exhausted", position: "insideBottomRight", fill: colors["--bad"], fontSize: 11 }} />
                  <Area type="monotone" dataKey="remaining" stroke={colors["--accent"]} fill={colors["--accent"]} fillOpacity={0.15} strokeWidth={2} connectNulls isAnimationActive={false} />
                </AreaChart>
              </ResponsiveContainer>
            </div>
            <div className={styles.legend}>
              <span>
                <span className={styles.swatch} style={{ background: shade, opacity: 0.35 }} />
                adjustment (left out of the SLI)
              </span>
              {maintenance.length > 0 ? (
                <span>
                  <span className={styles.swatch} style={{ background: maint, opacity: 0.3 }} />
                  maintenance (left out of the SLI)
                </span>
              ) : null}
              <span>
                <span className={styles.swatch} style={{ background: "transparent", borderLeft: `2px dashed ${colors["--text-muted"]}`, width: 2 }} />
                budget-policy tier change
              </span>
              <span>
                <span className={styles.swatch} style={{ background: colors["--bad"], height: 2 }} />
                objective / exhausted
              </span>
            </div>
          </>
        ) : null}
      </div>
    </section>
  );
}
