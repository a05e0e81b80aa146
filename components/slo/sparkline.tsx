import { formatSli } from "./format";
import styles from "./slo.module.css";

const W = 100;
const H = 26;

/**
 * The last 30 days' SLI, one point per UTC day, as a small SVG line: days
 * without data are gaps, days under the objective are red dots, the objective
 * a dashed line. Scaled from just under the lower of the objective and the
 * worst day up to 100 %, so a 99.9 % SLO's dips are visible.
 */
export function Sparkline({ values, objective }: { values: Array<number | null>; objective: number }) {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) {
    return (
      <span className={styles.sparkEmpty} title="No data in the last 30 days">
        no data
      </span>
    );
  }
  const budget = 1 - objective;
  const lo = Math.max(0, Math.min(objective - budget, ...known) - budget * 0.5);
  const hi = 1;
  const n = values.length;
  const x = (i: number) => (n <= 1 ? W / 2 : (i / (n - 1)) * (W - 4) + 2);
  const y = (v: number) => 2 + (1 - (v - lo) / (hi - lo || 1)) * (H - 4);
  const segments: string[] = [];
  let current = "";
  values.forEach((v, i) => {
    if (v === null) {
      if (current) segments.push(current);
      current = "";
      return;
    }
    current += `${current ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
  });
  if (current) segments.push(current);
  const below = values.map((v, i) => ({ v, i })).filter((p): p is { v: number; i: number } => p.v !== null && p.v < objective);
  const worst = Math.min(...known);
  const label = `Daily SLI over the last ${n} days: ${known.length} days with data, worst ${formatSli(worst)}, ${below.length} below the objective`;
  return (
    <svg className={styles.spark} viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label}>
      <title>{label}</title>
      <line x1={0} x2={W} y1={y(objective)} y2={y(objective)} className={styles.sparkObjective} />
      {segments.map((d, i) => (
        <path key={i} d={d} className={styles.sparkLine} />
      ))}
      {segments.length === 0 || known.length === 1
        ? values.map((v, i) => (v === null ? null : <circle key={`p${i}`} cx={x(i)} cy={y(v)} r={1.8} className={styles.sparkDot} />))
        : null}
      {below.map((p) => (
        <circle key={`b${p.i}`} cx={x(p.i)} cy={y(p.v)} r={2} className={styles.sparkBad} />
      ))}
    </svg>
  );
}
