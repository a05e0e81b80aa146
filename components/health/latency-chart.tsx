"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { FormError } from "@/components/ui/field";
import { formatLatency } from "./format";
import styles from "./component.module.css";
import type { LatencyRange } from "./types";
import { useChartColors } from "./use-chart-colors";

const ranges: { key: LatencyRange; label: string; title: string }[] = [
  { key: "1h", label: "1 h", title: "Last hour, per minute" },
  { key: "24h", label: "24 h", title: "Last 24 hours, per 15 minutes" },
  { key: "7d", label: "7 d", title: "Last 7 days, per hour" },
  { key: "30d", label: "30 d", title: "Last 30 days, per 6 hours" },
];

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayFmt = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const fullFmt = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

/** p50 / p95 / p99 per bucket from the per-minute rollups. Lines differ by dash as well as colour. */
export function LatencyChart({ id }: { id: string }) {
  const trpc = useTRPC();
  const [range, setRange] = useState<LatencyRange>("1h");
  const q = useQuery(trpc.health.latency.queryOptions({ id, range }, { placeholderData: keepPreviousData, refetchInterval: 60_000 }));
  const colors = useChartColors();
  const points = (q.data?.points ?? []).map((p) => ({ ...p, t: p.t.getTime() }));
  const drawable = points.filter((p) => p.p50 != null).length;
  const checks = points.reduce((a, p) => a + p.checks, 0);
  const failures = points.reduce((a, p) => a + p.failures, 0);
  const short = range === "1h" || range === "24h";

  return (
    <section className="card" aria-labelledby="latency-title" data-testid="latency-card">
      <div className="card-header">
        <h2 id="latency-title">Latency</h2>
        <span className="muted num">{q.data ? `${checks.toLocaleString()} checks, ${failures.toLocaleString()} failed` : ""}</span>
        {q.isFetching ? <span className="spinner faint" aria-label="Loading" /> : null}
        <span className="spacer" />
        <div className="segmented" role="group" aria-label="Time range">
          {ranges.map((r) => (
            <button key={r.key} type="button" aria-pressed={range === r.key} title={r.title} onClick={() => setRange(r.key)} data-testid={`range-${r.key}`}>
              {r.label}
            </button>
          ))}
        </div>
      </div>
      <div className={styles.chartBody}>
        {q.isError ? <FormError message={errorMessage(q.error)} /> : null}
        {q.data && drawable < 2 ? (
          <div className={styles.chartEmpty}>
            <p>
              {drawable === 0
                ? checks === 0
                  ? "No checks recorded in this range yet."
                  : failures === checks
                    ? `No latency to plot: all ${checks.toLocaleString()} checks in this range failed.`
                    : "No latency recorded for the checks in this range."
                : `Only one ${q.data.bucketMinutes}-minute bucket so far (p50 ${formatLatency(points.find((p) => p.p50 != null)?.p50)}); the chart draws from two.`}
            </p>
            {checks === 0 || drawable === 1 ? <p className="hint">Latency is rolled up per minute; a new component shows a line after a couple of minutes.</p> : null}
          </div>
        ) : null}
        {q.data && drawable >= 2 ? (
          <div className={styles.chart} role="img" aria-label={`Latency percentiles over the last ${range}`}>
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                <CartesianGrid stroke={colors["--border"]} strokeDasharray="3 3" vertical={false} />
                <XAxis
                  dataKey="t"
                  type="number"
                  scale="time"
                  domain={["dataMin", "dataMax"]}
                  tickFormatter={(t: number) => (short ? timeFmt.format(t) : dayFmt.format(t))}
                  stroke={colors["--text-muted"]}
                  fontSize={12}
                  minTickGap={40}
                />
                <YAxis tickFormatter={(v: number) => (v === 0 ? "0" : formatLatency(v))} stroke={colors["--text-muted"]} fontSize={12} width={64} />
                <Tooltip
                  labelFormatter={(t) => fullFmt.format(Number(t))}
                  formatter={(v) => formatLatency(typeof v === "number" ? v : null)}
                  contentStyle={{ background: colors["--surface"], border: `1px solid ${colors["--border"]}`, borderRadius: 6, color: colors["--text"] }}
                />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Line type="monotone" dataKey="p50" name="p50" stroke={colors["--accent"]} strokeWidth={2} dot={false} isAnimationActive={false} />
                <Line type="monotone" dataKey="p95" name="p95" stroke={colors["--warn"]} strokeWidth={1.5} strokeDasharray="6 3" dot={false} isAnimationActive={false} />
                <Line type="monotone" dataKey="p99" name="p99" stroke={colors["--bad"]} strokeWidth={1.5} strokeDasharray="2 3" dot={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        ) : null}
        {q.isPending ? <div className={styles.chartEmpty}>Loading…</div> : null}
      </div>
    </section>
  );
}
