/**
 * The worker's "slo-sources" loop: folds new complete minutes of pulled SLI
 * sources (probe rollups, Prometheus) into the SLI buckets.
 *
 * Exactly-once per minute: each SLO has a cursor (sli_source_cursors.folded_until,
 * exclusive). The counts of [cursor, until) are added with addSliCounts and
 * the cursor is advanced in the SAME transaction, after re-checking under a
 * row lock that nobody moved it meanwhile — a crash between the two never
 * double counts, and a retry after a crash refolds from the old cursor.
 *
 * A new cursor starts at the beginning of the longest window that matters
 * (the SLO's window, at least 30 and at most 60 days), so an SLO defined on an
 * existing component gets its history. One SLO's failure is recorded on its cursor
 * (last_error, last_error_at) and never stops the others. The whole pass runs
 * under a session advisory lock: a second worker skips instead of folding the
 * same minutes twice.
 */
import type { Sql } from "postgres";
import { advisoryLocks } from "@/db/advisory-locks";
import { log } from "@/server/log";
import { DAY_MS, MINUTE_MS, floorTo } from "../math/time";
import { type SliSpec, sliSpec, windowSpec } from "../schemas";
import { addSliCounts, type SliCount } from "../store/write-buckets";
import { probeMinutes } from "./probe-source";
import { PrometheusClient } from "./prometheus-client";
import { prometheusMinutes } from "./prometheus-source";

/** The prober writes a minute's rollup ~65 s after the minute starts: fold a minute only once it is 70 s old. */
export const PROBE_COMPLETE_AFTER_MS = 70_000;
/** Prometheus needs scrape + evaluation time before a minute's increase() is final. */
export const PROMETHEUS_COMPLETE_AFTER_MS = 120_000;
/** Most minutes folded per SLO and cycle: bounds transactions and Prometheus responses; history catches up over cycles. */
export const MAX_PROBE_SPAN_MS = 7 * DAY_MS;
export const MAX_PROMETHEUS_SPAN_MS = 6 * 60 * MINUTE_MS;
/** History a new cursor reaches back at least. */
export const MIN_HISTORY_DAYS = 30;
/**
 * …and at most: SLI minutes are kept 62 days (server/worker/retention.ts), so
 * older minutes could not be written (no partition) and would be dropped
 * anyway. A longer window fills up from then on.
 */
export const MAX_HISTORY_DAYS = 60;

const CALENDAR_DAYS = { week: 7, month: 31, quarter: 92 } as const;

export function windowDays(window: unknown): number {
  const w = windowSpec.safeParse(window);
  if (!w.success) return MIN_HISTORY_DAYS;
  return w.data.kind === "rolling" ? w.data.days : CALENDAR_DAYS[w.data.unit];
}

export function initialCursor(now: number, window: unknown): number {
  return floorTo(now - Math.min(MAX_HISTORY_DAYS, Math.max(windowDays(window), MIN_HISTORY_DAYS)) * DAY_MS, MINUTE_MS);
}

export interface PullResult {
  skipped: boolean;
  slos: number;
  folded: number;
  errors: number;
}

export interface PullOptions {
  client?: PrometheusClient;
  signal?: AbortSignal;
}

let defaultClient: PrometheusClient | undefined;

type Pulled = Extract<SliSpec, { source: "probe" | "prometheus" }>;

export async function pullSources(sql: Sql, now: Date = new Date(), opts: PullOptions = {}): Promise<PullResult> {
  const client = opts.client ?? (defaultClient ??= new PrometheusClient());
  const conn = await sql.reserve();
  try {
    const [lock] = await conn<{ ok: boolean }[]>`select pg_try_advisory_lock(${advisoryLocks.sloSources}) as ok`;
    if (!lock?.ok) return { skipped: true, slos: 0, folded: 0, errors: 0 };
    try {
      const slos = await sql<{ id: string; sli: unknown; window: unknown; folded_until: string | Date | null }[]>`
        select s.id, s.sli, s."window", c.folded_until
        from slos s left join sli_source_cursors c on c.slo_id = s.id
        where s.sli->>'source' in ('probe', 'prometheus')
        order by s.id`;
      const res: PullResult = { skipped: false, slos: slos.length, folded: 0, errors: 0 };
      for (const s of slos) {
        if (opts.signal?.aborted) break;
        try {
          res.folded += await pullOne(sql, client, s, now.getTime(), opts.signal);
        } catch (err) {
          res.errors += 1;
          const message = err instanceof Error ? err.message : String(err);
          log.warn({ sloId: s.id, err: message }, "slo source: fold failed");
          await sql`
            insert into sli_source_cursors (slo_id, folded_until, last_error, last_error_at, updated_at)
            select ${s.id}, ${new Date(initialCursor(now.getTime(), s.window)).toISOString()}::timestamptz, ${message.slice(0, 2000)}, now(), now()
            where exists (select 1 from slos where id = ${s.id}) -- deleted meanwhile: nothing to record, and no FK error to end the pass
            on conflict (slo_id) do update set last_error = excluded.last_error, last_error_at = excluded.last_error_at, updated_at = now()`;
        }
      }
      return res;
    } finally {
      await conn`select pg_advisory_unlock(${advisoryLocks.sloSources})`;
    }
  } finally {
    conn.release();
  }
}

/** Folds the next span of one SLO; returns how many minutes were added. */
async function pullOne(sql: Sql, client: PrometheusClient, s: { id: string; sli: unknown; window: unknown; folded_until: string | Date | null }, now: number, signal?: AbortSignal): Promise<number> {
  const parsed = sliSpec.safeParse(s.sli);
  if (!parsed.success) throw new Error(`Stored SLI is invalid: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  const spec = parsed.data as Pulled;
  const from = s.folded_until === null ? initialCursor(now, s.window) : new Date(s.folded_until).getTime();
  let until: number;
  let rows: SliCount[];
  if (spec.source === "probe") {
    until = Math.min(from + MAX_PROBE_SPAN_MS, floorTo(now - PROBE_COMPLETE_AFTER_MS, MINUTE_MS) + MINUTE_MS);
    if (until <= from) return 0;
    const [component] = await sql<{ id: string }[]>`select id from components where id = ${spec.componentId}`;
    if (!component) throw new Error(`Component ${spec.componentId} no longer exists`);
    rows = await probeMinutes(sql, s.id, spec, from, until);
  } else {
    until = Math.min(from + MAX_PROMETHEUS_SPAN_MS, floorTo(now - PROMETHEUS_COMPLETE_AFTER_MS, MINUTE_MS));
    if (until <= from) return 0;
    rows = await prometheusMinutes(client, s.id, spec, from, until, signal);
  }
  return sql.begin(async (tx) => {
    // The SLO may have been deleted, or its SLI changed (which resets its counts and cursor), while we fetched:
    // rows from the old definition must not land in the new one. FOR SHARE holds it until we commit.
    const [same] = await tx`select 1 from slos where id = ${s.id} and sli = ${JSON.stringify(s.sli)}::text::jsonb for share`;
    if (!same) return 0;
    await tx`
      insert into sli_source_cursors (slo_id, folded_until) values (${s.id}, ${new Date(from).toISOString()}::timestamptz)
      on conflict (slo_id) do nothing`;
    const [cur] = await tx<{ folded_until: string | Date }[]>`select folded_until from sli_source_cursors where slo_id = ${s.id} for update`;
    // Someone folded (or reset) this SLO since we read its cursor: leave it to the next cycle rather than count twice.
    if (!cur || new Date(cur.folded_until).getTime() !== from) return 0;
    const { minutes } = await addSliCounts(tx, rows);
    await tx`
      update sli_source_cursors set folded_until = ${new Date(until).toISOString()}::timestamptz, last_error = null, last_error_at = null, updated_at = now()
      where slo_id = ${s.id}`;
    return minutes;
  });
}
