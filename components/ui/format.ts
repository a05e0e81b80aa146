/** Display formatting: the database keeps UTC and milliseconds; people read their own zone and "4m 12s". */

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m ${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** "just now", "12s ago", "3m ago", "2h ago", "5d ago"; future times read "in 3m". */
export function formatRelative(date: Date, now: number): string {
  const diff = now - date.getTime();
  if (Math.abs(diff) < 2000) return "just now";
  const text = formatDuration(Math.abs(diff)).split(" ")[0] ?? "";
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** In the viewer's time zone. */
export function formatDateTime(date: Date): string {
  return dateTime.format(date);
}

/** For the hover title: the stored UTC instant. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "")} UTC`;
}

/** `<input type="datetime-local">` value (viewer's zone) ⇄ ISO instant. */
export function toLocalInputValue(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInputValue(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function shortId(id: string | null | undefined, len = 8): string {
  if (!id) return "";
  return id.length > len + 1 ? `${id.slice(0, len)}…` : id;
}
