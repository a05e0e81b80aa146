/** Health-specific display formats; the database keeps milliseconds and 0–1 ratios. */

export function formatLatency(ms: number | null | undefined): string {
  if (ms == null || Number.isNaN(ms)) return "—";
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** 0.99953 → "99.95%"; never rounds up to 100% unless it is. */
export function formatRatio(r: number | null | undefined): string {
  if (r == null || Number.isNaN(r)) return "—";
  if (r >= 1) return "100%";
  const p = r * 100;
  const digits = p >= 99.9 ? 3 : 2;
  const f = 10 ** digits;
  return `${(Math.floor(p * f) / f).toFixed(digits)}%`;
}

/** Milliseconds as the form shows them: seconds, up to three decimals, no trailing zeros. */
export function msToSeconds(ms: number | null | undefined): string {
  if (ms == null || Number.isNaN(ms)) return "";
  return String(Math.round(ms) / 1000);
}

/** "1.5" → 1500; empty → undefined; junk → NaN (the schema then says what is wrong). */
export function secondsToMs(text: string): number | undefined {
  const t = text.trim().replace(",", ".");
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? Math.round(n * 1000) : Number.NaN;
}

/** "10 s", "1 min", "1 min 30 s", "2 h". */
export function formatInterval(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s % 60);
  if (m < 60) return rest ? `${m} min ${rest} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

export const weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
