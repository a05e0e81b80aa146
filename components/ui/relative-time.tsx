"use client";

import { formatDateTime, formatRelative, formatUtc } from "./format";
import { useNow } from "./use-now";

/**
 * "3m ago", with the viewer-zone time and the UTC instant on hover. Renders only in the browser (zones differ).
 * The shared clock ticks every `intervalMs`, so a time that arrived live since the last tick reads "just now", not "in 4s".
 */
export function RelativeTime({ date, intervalMs = 1000 }: { date: Date | null | undefined; intervalMs?: number }) {
  const now = useNow(intervalMs);
  if (!date) return <span className="faint">never</span>;
  return (
    <time dateTime={date.toISOString()} title={now === null ? undefined : `${formatDateTime(date)}\n${formatUtc(date)}`} className="num nowrap">
      {now === null ? "\u00a0" : formatRelative(date, Math.max(now, Math.min(date.getTime(), now + intervalMs)))}
    </time>
  );
}

/** An absolute time in the viewer's zone, UTC on hover. */
export function DateTime({ date }: { date: Date }) {
  const now = useNow(60_000);
  return (
    <time dateTime={date.toISOString()} title={formatUtc(date)} className="num nowrap">
      {now === null ? "\u00a0" : formatDateTime(date)}
    </time>
  );
}
