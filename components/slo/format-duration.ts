/**
 * Allowed downtime as people read it in SLA tables: "1m 26s", "43m 12s",
 * "3d 15h 39m 36s". From a minute up, every non-zero unit down to the second,
 * seconds rounded to the nearest whole one (99.9 % per day is 86.4 s → "1m 26s").
 * Under a minute the precision matters more, so one decimal ("21.6s", "8.6s",
 * "45s"); under a second, whole milliseconds ("864ms").
 *
 * Not the shared `formatDuration` in components/ui/format.ts: that one keeps
 * the two largest units and truncates, which is right for "up 3h 12m" but
 * would turn 8h 45m 58s of allowed downtime into "8h 45m".
 */
export function formatDowntime(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms === 0) return "0s";

  const wholeMs = Math.round(ms);
  if (wholeMs < 1000) return `${Math.max(1, wholeMs)}ms`;

  // Tenths of a second, rounded once, so 59.96 s reads "1m", not "60s".
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${trimTenths(tenths)}s`;

  let s = Math.round(ms / 1000);
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts: string[] = [];
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s) parts.push(`${s}s`);
  return parts.join(" ");
}

function trimTenths(tenths: number): string {
  return tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1);
}
