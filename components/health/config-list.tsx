import Link from "next/link";
import type { z } from "zod";
import { kindConfig } from "@/server/health/schemas";
import { REDACTED_MARK } from "./secret";
import { DetailRows } from "./details";
import { formatInterval, formatLatency } from "./format";
import { IconEdit } from "./icons";
import type { ComponentDetail } from "./types";

/** [200,201,202,203,204,301] → "200–204, 301". */
export function compressStatuses(codes: readonly number[]): string {
  const sorted = [...new Set(codes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!;
    let end = start;
    while (sorted[i + 1] === end + 1) end = sorted[++i]!;
    parts.push(end > start ? `${start}-${end}` : String(start));
  }
  return parts.join(", ");
}

function readable(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === REDACTED_MARK) out[k] = "set (hidden)";
    else if (k === "expectedStatus" && Array.isArray(v)) out[k] = compressStatuses(v.filter((x): x is number => typeof x === "number"));
    else if (k === "headers" && v && typeof v === "object" && Object.keys(v).length === 0) continue;
    else if (k.endsWith("Ms") && typeof v === "number") out[k.slice(0, -2)] = formatInterval(v);
    else out[k] = v;
  }
  return out;
}

export function ConfigList({ c, canOperate }: { c: ComponentDetail; canOperate: boolean }) {
  return (
    <section className="card" aria-labelledby="config-title" data-testid="config-card">
      <div className="card-header">
        <h2 id="config-title">Configuration</h2>
        <span className="spacer" />
        {canOperate ? (
          <Link href={`/health/${c.id}/edit`} className="btn btn-sm">
            <IconEdit />
            Edit
          </Link>
        ) : null}
      </div>
      <div className="card-body">
        <dl className="kv" data-testid="config-details">
          <dt>Service</dt>
          <dd>{c.serviceName}</dd>
          <dt>Interval</dt>
          <dd>{formatInterval(c.intervalMs)}</dd>
          <dt>Timeout</dt>
          <dd>{formatInterval(c.timeoutMs)}</dd>
          <dt>Unhealthy after</dt>
          <dd>
            {c.unhealthyThreshold} failed check{c.unhealthyThreshold === 1 ? "" : "s"} in a row
          </dd>
          <dt>Healthy after</dt>
          <dd>
            {c.healthyThreshold} passed check{c.healthyThreshold === 1 ? "" : "s"} in a row
          </dd>
          <dt>Degraded when</dt>
          <dd>{c.degradedLatencyMs == null ? <span className="faint">never for latency (warnings still count)</span> : `slower than ${formatLatency(c.degradedLatencyMs)}`}</dd>
          <DetailRows details={readable(c.config)} order={Object.keys((kindConfig[c.kind] as unknown as z.ZodObject).shape)} />
        </dl>
      </div>
    </section>
  );
}
