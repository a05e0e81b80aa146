/**
 * `npm run bench:slo`: the SLO evaluator at fleet size. A fresh embedded
 * PostgreSQL (as bench/prober.ts starts it), migrated; BENCH_SLO_COUNT SLOs
 * (default 1,000: mostly rolling 30-day occurrences, some 7-day, some
 * calendar-month, a few time-slice) with BENCH_SLO_DAYS (30) days of minute
 * data each, generated in SQL (43 M sli_minutes rows at the defaults; hour and
 * day rollups by INSERT … SELECT … GROUP BY, as addSliCounts would have left them).
 *
 *  - evaluate_all_ms: median of 5 `evaluateAll` cycles. Before each (not
 *    timed) every SLO gets one new minute through addSliCounts, as in steady
 *    state, so each cycle also recounts the dirty hour/day of time-slice SLOs.
 *  - list_p95_ms: p95 of 50 `listSlos(db, {})` calls (the SLO list's data).
 *  - ingest_events_per_s: `ingestSliBatch` with batches of 5,000 events.
 * Prints one JSON line last. Goals: ≤ 2,000 ms, ≤ 100 ms, ≥ 50,000 events/s.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { percentile, round } from "./harness";

const SLOS = Number(process.env.BENCH_SLO_COUNT ?? 1000);
const DAYS = Number(process.env.BENCH_SLO_DAYS ?? 30);
const CYCLES = 5;
const LIST_CALLS = 50;
const INGEST_BATCHES = Number(process.env.BENCH_SLO_INGEST_BATCHES ?? 20);
const BATCH = 5_000;
const SERVICES = 20;
const MINUTE = 60_000;

const log = (msg: string) => process.stderr.write(`[bench:slo] ${msg}\n`);
const median = (xs: number[]) => percentile(xs, 50);

/** SLO i's shape: ~3 % time slices, ~7 % calendar month, ~10 % 7-day, the rest rolling 30 days. */
function shape(i: number): { window: object; method: string; target: number | null; objective: number } {
  if (i % 33 === 0) return { window: { kind: "rolling", days: 30 }, method: i % 2 ? "ratio_timeslices" : "timeslices", target: 0.95, objective: 0.99 };
  if (i % 14 === 1) return { window: { kind: "calendar", unit: "month" }, method: "occurrences", target: null, objective: 0.995 };
  if (i % 10 === 2) return { window: { kind: "rolling", days: 7 }, method: "occurrences", target: null, objective: 0.999 };
  return { window: { kind: "rolling", days: 30 }, method: "occurrences", target: null, objective: i % 3 ? 0.999 : 0.99 };
}

async function main(): Promise<void> {
  const { startEmbeddedPg } = await import("../server/supervisor/embedded-pg");
  const { runMigrations } = await import("../db/migrate");
  const { createDb } = await import("../db/client");
  const { evaluateAll } = await import("../server/slo/evaluator/evaluate-all");
  const { addSliCounts } = await import("../server/slo/store/write-buckets");
  const { listSlos } = await import("../server/slo/queries");
  const { ingestSliBatch } = await import("../server/slo/ingest");
  const dir = mkdtempSync(path.join(os.tmpdir(), "bulwark-bench-slo-"));
  const quiet = { info: () => undefined, warn: () => undefined };
  let pg: Awaited<ReturnType<typeof startEmbeddedPg>> | undefined;
  try {
    // Loading 43 M rows is not what is measured: bigger WAL between checkpoints only speeds up the load.
    pg = await startEmbeddedPg({ dataDir: path.join(dir, "pg"), preferredPort: 0, log: quiet, extraFlags: ["-c", "max_wal_size=8GB", "-c", "checkpoint_timeout=30min"] });
    const url = pg.url();
    await runMigrations(url);
    const sql = postgres(url, { max: 4, onnotice: () => undefined });
    const h = createDb(url, 10);

    // Services, SLOs, a policy per service.
    const services: string[] = [];
    for (let s = 0; s < SERVICES; s++) {
      const [row] = await sql<{ id: string }[]>`insert into services (name) values (${`bench-svc-${s}`}) returning id`;
      services.push(row!.id);
      await sql`insert into error_budget_policies (name, service_id, tiers) values ('default', ${row!.id},
        '[{"name":"Notify owners","below":0.5,"action":"notify"},{"name":"Review","below":0.25,"action":"review"},{"name":"Freeze","below":0,"action":"freeze"}]'::jsonb)`;
    }
    const ids = Array.from({ length: SLOS }, () => randomUUID());
    const shapes = ids.map((_, i) => shape(i));
    await sql`
      insert into slos (id, service_id, key, name, owner, sli, objective, "window", budgeting_method, timeslice_target)
      select id, svc, 'bench-slo-' || i, 'Bench SLO ' || i, 'team-' || (i % 7), '{"source":"push"}'::jsonb, obj, w::jsonb, m::budgeting_method, tgt
      from unnest(${ids}::uuid[], ${ids.map((_, i) => services[i % SERVICES]!)}::uuid[], ${ids.map((_, i) => String(i))}::text[]::int[],
        ${shapes.map((s) => String(s.objective))}::text[]::float8[], ${shapes.map((s) => JSON.stringify(s.window))}::text[],
        ${shapes.map((s) => s.method)}::text[], ${shapes.map((s) => (s.target === null ? null : String(s.target)))}::text[]::float8[])
        as u(id, svc, i, obj, w, m, tgt)`;
    log(`${SLOS} SLOs in ${SERVICES} services`);

    // Minute data: DAYS days up to the current minute, a little noise and rare bad minutes.
    const end = Math.floor(Date.now() / MINUTE) * MINUTE;
    const start = end - DAYS * 86_400_000;
    const t0 = performance.now();
    const CHUNK = 25;
    for (let from = 0; from < SLOS; from += CHUNK) {
      const chunk = ids.slice(from, from + CHUNK);
      await sql`
        insert into sli_minutes (slo_id, minute, good, total)
        select s, m, t - case when r < 0.0005 then floor(t * 0.5) when r < 0.01 then 1 else 0 end, t
        from (
          select s, m, 60 + floor(random() * 80)::float8 as t, random() as r
          from unnest(${chunk}::uuid[]) as u(s)
          cross join generate_series(${new Date(start).toISOString()}::timestamptz, ${new Date(end - MINUTE).toISOString()}::timestamptz, interval '1 minute') as g(m)
        ) q`;
      if ((from / CHUNK) % 4 === 3 || from + CHUNK >= SLOS) {
        const done = Math.min(SLOS, from + CHUNK);
        const s = (performance.now() - t0) / 1000;
        log(`minutes: ${done}/${SLOS} SLOs (${Math.round((done * DAYS * 1440) / 1e6)} M rows, ${Math.round(s)} s)`);
      }
    }
    log("hour rollups");
    await sql`
      insert into sli_hours (slo_id, hour, good, total, slice_good, slice_total, slices_dirty)
      select m.slo_id, date_trunc('hour', m.minute), sum(m.good), sum(m.total),
        sum(case when s.budgeting_method = 'ratio_timeslices' then m.good / m.total
                 when s.budgeting_method = 'timeslices' and m.good >= s.timeslice_target * m.total then 1 else 0 end),
        sum(case when s.budgeting_method <> 'occurrences' then 1 else 0 end), false
      from sli_minutes m join slos s on s.id = m.slo_id
      group by m.slo_id, date_trunc('hour', m.minute)`;
    log("day rollups");
    await sql`
      insert into sli_days (slo_id, day, good, total, slice_good, slice_total, slices_dirty)
      select slo_id, date_trunc('day', hour at time zone 'UTC') at time zone 'UTC', sum(good), sum(total), sum(slice_good), sum(slice_total), false
      from sli_hours group by 1, 2`;
    log("vacuum analyze");
    await sql`vacuum analyze`;
    log(`data ready in ${Math.round((performance.now() - t0) / 1000)} s`);

    // Evaluation cycles; each preceded by one new minute per SLO (steady state: every SLO has fresh, dirty data).
    const cycleMs: number[] = [];
    let evaluated = 0;
    for (let c = 0; c < CYCLES + 1; c++) {
      const now = Date.now();
      await addSliCounts(
        sql,
        ids.map((sloId) => ({ sloId, at: now - MINUTE, good: 99, total: 100 })),
      );
      const s = performance.now();
      const r = await evaluateAll(sql, new Date(now));
      const ms = performance.now() - s;
      evaluated = r.evaluated;
      if (r.errors > 0) log(`cycle ${c}: ${r.errors} SLOs in state error`);
      // The first cycle is a warm-up (plan cache, the worker's first pass after start).
      if (c > 0) cycleMs.push(ms);
      log(`evaluateAll #${c}: ${Math.round(ms)} ms (${r.evaluated} evaluated) ${JSON.stringify(r.phases ?? {})}`);
    }
    const states = await sql<{ state: string; n: number }[]>`select state::text, count(*)::int as n from slo_status group by 1 order by 1`;
    log(`states: ${states.map((s) => `${s.state}=${s.n}`).join(" ")}`);

    // SLO list data.
    let listP95: number | null = null;
    try {
      const times: number[] = [];
      for (let i = 0; i < 10 + LIST_CALLS; i++) {
        const s = performance.now();
        const rows = await listSlos(h.db, {});
        if (i >= 10) times.push(performance.now() - s);
        if (i === 0 && rows.length !== SLOS) throw new Error(`listSlos returned ${rows.length} rows`);
      }
      listP95 = round(percentile(times, 95));
    } catch (err) {
      log(`listSlos not measured: ${err instanceof Error ? err.message : String(err)}`);
    }

    // Ingest: batches of 5,000 events for the SLOs of one service, through the real ingest path.
    let ingestRate: number | null = null;
    try {
      const svc = services[0]!;
      const keys = ids.map((_, i) => `bench-slo-${i}`).filter((_, i) => i % SERVICES === 0 && shapes[i]!.method === "occurrences");
      const [tok] = await sql<{ id: string }[]>`
        insert into api_tokens (service_id, name, token_hash, prefix, scopes) values (${svc}, 'bench', ${randomBytes(32).toString("hex")}, 'bench', '{sli:write}') returning id`;
      const auth = { tokenId: tok!.id, serviceId: svc };
      const batches = Array.from({ length: INGEST_BATCHES }, (_, b) => ({
        idempotencyKey: `bench-${b}`,
        events: Array.from({ length: BATCH }, (_, i) => ({
          slo: keys[(b * BATCH + i) % keys.length]!,
          timestamp: Date.now() - Math.floor(Math.random() * 60) * MINUTE,
          good: 99,
          total: 100,
        })),
      }));
      await ingestSliBatch(sql, auth, { idempotencyKey: "warm-up", events: batches[0]!.events.slice(0, 100) });
      const s = performance.now();
      let events = 0;
      for (const b of batches) events += (await ingestSliBatch(sql, auth, b)).accepted;
      ingestRate = Math.round(events / ((performance.now() - s) / 1000));
    } catch (err) {
      log(`ingest not measured: ${err instanceof Error ? err.message : String(err)}`);
    }

    await h.sql.end({ timeout: 5 });
    await sql.end({ timeout: 5 });
    log(`evaluate cycles (ms): ${cycleMs.map((m) => Math.round(m)).join(", ")}; ${evaluated} evaluated`);
    console.log(
      JSON.stringify({ bench: "slo", slos: SLOS, days: DAYS, evaluate_all_ms: round(median(cycleMs)), list_p95_ms: listP95, ingest_events_per_s: ingestRate }),
    );
  } finally {
    await pg?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
