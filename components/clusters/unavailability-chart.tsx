"use client";

import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useChartColors } from "@/components/health/use-chart-colors";
import type { OperationSummary } from "@/server/failover/types";
import styles from "./clusters.module.css";
import { formatMs, kindLabel } from "./format";

const dayFmt = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

/** Write-unavailability per operation, oldest first, failovers in the warning colour. */
export function UnavailabilityChart({ ops }: { ops: OperationSummary[] }) {
  const colors = useChartColors();
  const points = [...ops]
    .reverse()
    .map((o, i) => ({ i: i + 1, ms: o.writeUnavailableMs ?? 0, kind: o.kind, at: o.startedAt ?? o.createdAt, label: `${kindLabel[o.kind]} ${o.fromPrimary ?? "?"} → ${o.candidate}` }));
  const tooltipStyle = { background: colors["--surface"], border: `1px solid ${colors["--border"]}`, borderRadius: 6, color: colors["--text"] };
  const axis = { stroke: colors["--text-muted"], fontSize: 12 };
  return (
    <figure className={styles.chart} data-testid="unavailability-chart">
      <figcaption className="sr-only">Write-unavailability per operation, oldest first</figcaption>
      <ResponsiveContainer width="100%" height={160}>
        <BarChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={colors["--border"]} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="i" tick={axis} stroke={colors["--border"]} tickLine={false} />
          <YAxis tick={axis} stroke={colors["--border"]} tickLine={false} width={56} tickFormatter={(v: number) => formatMs(v)} />
          <Tooltip
            contentStyle={tooltipStyle}
            cursor={{ fill: colors["--border"], fillOpacity: 0.4 }}
            labelFormatter={(_l, payload) => {
              const p = payload?.[0]?.payload as (typeof points)[number] | undefined;
              return p ? `${p.label} · ${dayFmt.format(p.at)}` : "";
            }}
            formatter={(v) => [formatMs(Number(v)), "write-unavailability"]}
          />
          <Bar dataKey="ms" radius={[3, 3, 0, 0]} isAnimationActive={false} maxBarSize={40}>
            {points.map((p) => (
              <Cell key={p.i} fill={p.kind === "failover" ? colors["--warn"] : colors["--accent"]} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
