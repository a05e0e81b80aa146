/**
 * Good/total of many (SLO, time span) pairs in ONE statement, from the
 * coarsest rollups that fit: every span is cut by `planWindowRead` into whole
 * days, whole hours at the ragged ends and minutes only at the very edges, so
 * a 30-day window costs ~30 day rows + ≤ 46 hour rows + ≤ 118 minute rows per
 * SLO. Rollups are exact because addSliCounts maintains them in the same
 * transaction as the minutes (server/slo/store/write-buckets.ts).
 *
 * All SLOs evaluated at the same `now` end their windows at the same minute,
 * so spans are shared: one plan per distinct span, and "which SLO needs which
 * span" travels as two parallel arrays.
 */
import type { Sql, TransactionSql } from "postgres";
import { planWindowRead } from "../math/buckets";
import { SLICE_EPSILON } from "./slices";

export interface SpanCounts {
  good: number;
  total: number;
  /** time-slice view (good minutes, minutes with data); 0 for occurrence SLOs */
  sliceGood: number;
  sliceTotal: number;
}

export const ZERO: SpanCounts = Object.freeze({ good: 0, total: 0, sliceGood: 0, sliceTotal: 0 });

export interface SpanRequest {
  sloId: string;
  /** minute-aligned epoch ms, start < end (empty spans are answered with zeros without a read) */
  start: number;
  end: number;
}

export const spanKey = (sloId: string, start: number, end: number): string => `${sloId}|${start}|${end}`;

export async function readSpans(sql: Sql | TransactionSql, requests: readonly SpanRequest[]): Promise<Map<string, SpanCounts>> {
  const spanIdx = new Map<string, number>();
  const spans: Array<{ start: number; end: number }> = [];
  const needR: number[] = [];
  const needSlo: string[] = [];
  const seen = new Set<string>();
  for (const r of requests) {
    if (!(r.end > r.start)) continue;
    const sk = `${r.start}|${r.end}`;
    let i = spanIdx.get(sk);
    if (i === undefined) {
      i = spans.length;
      spans.push({ start: r.start, end: r.end });
      spanIdx.set(sk, i);
    }
    const k = `${i}|${r.sloId}`;
    if (seen.has(k)) continue;
    seen.add(k);
    needR.push(i);
    needSlo.push(r.sloId);
  }
  const out = new Map<string, SpanCounts>();
  if (needR.length === 0) return out;

  const segR: number[] = [];
  const segRes: string[] = [];
  const segS: string[] = [];
  const segE: string[] = [];
  spans.forEach((span, i) => {
    for (const seg of planWindowRead({ start: new Date(span.start), end: new Date(span.end) })) {
      segR.push(i);
      segRes.push(seg.resolution);
      segS.push(seg.start.toISOString());
      segE.push(seg.end.toISOString());
    }
  });

  // One plain join per resolution: each (SLO, segment) pair becomes one probe
  // of that table's (slo_id, time) primary key. The constant lower bound on
  // sli_minutes lets the planner skip the month partitions no segment reaches.
  const minuteFrom = segRes.reduce((m, res, i) => (res === "minute" && segS[i]! < m ? segS[i]! : m), "9999");
  const rows = await sql<{ r: number; slo_id: string; good: number; total: number; sg: number; st: number }[]>`
    with seg as materialized (
      select * from unnest(${segR.map(String)}::text[]::int[], ${segRes}::text[], ${segS}::text[]::timestamptz[], ${segE}::text[]::timestamptz[]) as g(r, res, s, e)
    ), need as materialized (
      select n.r, n.slo_id, s.budgeting_method::text as method, coalesce(s.timeslice_target, 1) as target
      from unnest(${needR.map(String)}::text[]::int[], ${needSlo}::uuid[]) as n(r, slo_id)
      join slos s on s.id = n.slo_id
    ), pair as materialized (
      select n.r, n.slo_id, n.method, n.target, g.res, g.s, g.e from need n join seg g on g.r = n.r
    )
    select r, slo_id, sum(good)::float8 as good, sum(total)::float8 as total, sum(sg)::float8 as sg, sum(st)::float8 as st
    from (
      select p.r, p.slo_id, d.good, d.total, d.slice_good as sg, d.slice_total as st
      from pair p join sli_days d on d.slo_id = p.slo_id and d.day >= p.s and d.day < p.e
      where p.res = 'day'
      union all
      select p.r, p.slo_id, h.good, h.total, h.slice_good, h.slice_total
      from pair p join sli_hours h on h.slo_id = p.slo_id and h.hour >= p.s and h.hour < p.e
      where p.res = 'hour'
      union all
      select p.r, p.slo_id, m.good, m.total,
        case
          when p.method = 'occurrences' or m.total <= 0 then 0
          when p.method = 'ratio_timeslices' then least(1, m.good / m.total)
          when m.good >= p.target * m.total * (1 - ${SLICE_EPSILON}::float8) then 1
          else 0 end,
        case when p.method <> 'occurrences' and m.total > 0 then 1 else 0 end
      from pair p join sli_minutes m on m.slo_id = p.slo_id and m.minute >= p.s and m.minute < p.e
      where p.res = 'minute' and m.minute >= ${minuteFrom === "9999" ? new Date(0).toISOString() : minuteFrom}::timestamptz
    ) x
    group by r, slo_id`;
  for (const r of rows) {
    const span = spans[r.r];
    if (!span) continue;
    out.set(spanKey(r.slo_id, span.start, span.end), { good: r.good, total: r.total, sliceGood: r.sg, sliceTotal: r.st });
  }
  return out;
}
