import type { BudgetingMethodName, SloStateName, WindowSpecInput } from "@/server/slo/schemas";
import type { SloRow } from "./types";

/** SLO display formats. Ratios are 0–1; null is "no data" and reads "—", never 0 % or 100 %. */

/** 0.99953 → "99.953%"; never rounds up to 100 % unless it is. */
export function formatSli(r: number | null | undefined): string {
  if (r == null || Number.isNaN(r)) return "—";
  if (r >= 1) return "100%";
  const p = r * 100;
  const digits = p >= 99 ? 3 : p >= 90 ? 2 : 1;
  const f = 10 ** digits;
  return `${(Math.floor(p * f) / f).toFixed(digits)}%`;
}

/** Budget remaining or consumed: one decimal, negative allowed (overspent budgets are real numbers). */
export function formatBudget(r: number | null | undefined): string {
  if (r == null || Number.isNaN(r)) return "—";
  const p = r * 100;
  if (Math.abs(p) >= 1000) return `${Math.round(p).toLocaleString()}%`;
  return `${p.toFixed(1)}%`;
}

/** 0.999 → "99.9%", 0.99975 → "99.975%": an objective exactly as it was set. */
export function formatObjective(o: number): string {
  return `${Number((o * 100).toPrecision(12))}%`;
}

export function formatBurn(b: number | null | undefined): string {
  if (b == null || Number.isNaN(b)) return "—";
  if (b === 0) return "0×";
  if (b < 10) return `${b.toFixed(2)}×`;
  return `${b.toFixed(1)}×`;
}

export function windowLabel(w: WindowSpecInput): string {
  if (w.kind === "rolling") return `rolling ${w.days} day${w.days === 1 ? "" : "s"}`;
  return `calendar ${w.unit}`;
}

export const methodLabel: Record<BudgetingMethodName, string> = {
  occurrences: "Occurrences",
  timeslices: "Time slices",
  ratio_timeslices: "Ratio time slices",
};

export function sourceLabel(s: SloRow["sliSource"]): string {
  if (s === "probe") return "Probe";
  if (s === "push") return "Pushed events";
  return "Prometheus";
}

export const stateOrder: readonly SloStateName[] = ["breached", "page", "error", "warning", "no_data", "ok"];
export const stateSeverity: Record<SloStateName, number> = Object.fromEntries(stateOrder.map((s, i) => [s, i])) as Record<SloStateName, number>;

/** Minutes of a time-slice budget: "12 min", "3 h 20 min", "2 d 4 h". */
export function formatMinutes(m: number | null | undefined): string {
  if (m == null || Number.isNaN(m)) return "—";
  const sign = m < 0 ? "−" : "";
  let v = Math.round(Math.abs(m));
  if (v < 60) return `${sign}${v} min`;
  const d = Math.floor(v / 1440);
  v -= d * 1440;
  const h = Math.floor(v / 60);
  const min = v - h * 60;
  if (d) return `${sign}${d} d${h ? ` ${h} h` : ""}`;
  return `${sign}${h} h${min ? ` ${min} min` : ""}`;
}

/** The current UTC month as YYYY-MM, and the month before it. */
export function utcMonth(offset = 0, now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}
