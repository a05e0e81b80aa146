import type { ReactNode } from "react";

/** "lagBytes" → "Lag bytes", "tls.daysLeft" → "TLS days left". */
function humanize(key: string): string {
  const words = key
    .split(".")
    .map((part) => part.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " "))
    .join(" ")
    .toLowerCase();
  const fixed = words
    .replace(/\bpct\b/g, "%")
    .replace(/\b(tls|ssl|url|ms|id|pid|lsn|wal|db|ip)\b/g, (w) => (w === "ms" ? "ms" : w.toUpperCase()));
  return fixed.charAt(0).toUpperCase() + fixed.slice(1);
}

function flatten(obj: Record<string, unknown>, prefix = "", out: [string, unknown][] = [], depth = 0): [string, unknown][] {
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date) && depth < 1) flatten(v as Record<string, unknown>, key, out, depth + 1);
    else out.push([key, v]);
  }
  return out;
}

function render(key: string, v: unknown): ReactNode {
  if (v === null) return <span className="faint">none</span>;
  if (typeof v === "boolean") return v ? "yes" : "no";
  // Ports, PIDs and timelines are identifiers, not quantities: no digit grouping.
  if (typeof v === "number" && /(port|pid|timeline|status)$/i.test(key)) return <span className="num">{v}</span>;
  if (typeof v === "number") return <span className="num">{Number.isInteger(v) ? v.toLocaleString() : v.toLocaleString(undefined, { maximumFractionDigits: 2 })}</span>;
  if (typeof v === "string") return v;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v) && v.length === 0) return <span className="faint">none</span>;
  if (Array.isArray(v) && v.every((x) => typeof x !== "object" || x === null)) return v.map(String).join(", ");
  return <pre className="json">{JSON.stringify(v, null, 2)}</pre>;
}

/** The rows of a details object, for inside an existing `<dl className="kv">`; `order` lists keys to show first, in that order. */
export function DetailRows({ details, order }: { details: Record<string, unknown> | null | undefined; order?: readonly string[] }) {
  const rows = details ? flatten(details) : [];
  if (order) {
    const rank = (k: string) => {
      const i = order.indexOf(k.split(".")[0] ?? k);
      return i < 0 ? order.length : i;
    };
    rows.sort((a, b) => rank(a[0]) - rank(b[0]));
  }
  return (
    <>
      {rows.map(([k, v]) => (
        <div key={k} style={{ display: "contents" }}>
          <dt>{humanize(k)}</dt>
          <dd>{render(k, v)}</dd>
        </div>
      ))}
    </>
  );
}

/** Kind-specific facts from a probe (role, lag, pool use, certificate expiry…) as a key/value list. */
export function DetailsList({ details, testId }: { details: Record<string, unknown> | null | undefined; testId?: string }) {
  if (!details || Object.keys(details).length === 0) return null;
  return (
    <dl className="kv" data-testid={testId}>
      <DetailRows details={details} />
    </dl>
  );
}
