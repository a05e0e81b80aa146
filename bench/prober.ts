/**
 * `npm run bench:prober`: N loopback HTTP targets (5 % slow at 200–2000 ms,
 * 5 % answering 500, the rest fast), served by a separate process, probed at a
 * 10 s interval by ONE real worker process (server/worker/main.ts) against a
 * fresh embedded PostgreSQL. After a warm-up of one interval, it measures for
 * BENCH_SECONDS (default 60): checks/s and lateness (at − scheduled_at) from
 * probe_results, the worker's CPU (utime + stime from /proc/<pid>/stat over
 * wall time) and its peak RSS (/proc/<pid>/status). Prints one JSON line last.
 *
 * BENCH_TARGETS (default 10000), BENCH_SECONDS (60), BENCH_INTERVAL_MS (10000).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";

const TARGETS = Number(process.env.BENCH_TARGETS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const INTERVAL = Number(process.env.BENCH_INTERVAL_MS ?? 10_000);

/** Target i: every 20th slow (200–2000 ms, fixed per path), the next one failing, the rest fast. */
function behaviour(i: number): { status: number; delayMs: number } {
  if (i % 20 === 0) return { status: 200, delayMs: 200 + ((i * 7919) % 1801) };
  if (i % 20 === 1) return { status: 500, delayMs: 0 };
  return { status: 200, delayMs: 0 };
}

const CLK = 100; // USER_HZ on Linux

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLK; // utime, stime (fields 14 and 15)
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

/** CPU seconds of a process and all its descendants (PostgreSQL's backends). */
function treeCpuSeconds(root: number): number {
  let total = 0;
  for (const name of readdirSafe("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.split(") ")[1]!.split(" ");
      if (Number(name) === root || Number(fields[1]) === root) total += (Number(fields[11]) + Number(fields[12])) / CLK;
    } catch {
      // gone
    }
  }
  return total;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const log = (msg: string) => process.stderr.write(`[bench:prober] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const { startEmbeddedPg } = await import("../server/supervisor/embedded-pg");
  const { runMigrations } = await import("../db/migrate");
  const { shardFor } = await import("../server/health/shard");
  const dir = mkdtempSync(path.join(os.tmpdir(), "bulwark-bench-prober-"));
  const quiet = { info: () => undefined, warn: () => undefined };
  const children: ChildProcess[] = [];
  let pg: Awaited<ReturnType<typeof startEmbeddedPg>> | undefined;
  try {
    pg = await startEmbeddedPg({ dataDir: path.join(dir, "pg"), preferredPort: 0, log: quiet });
    const url = pg.url();
    await runMigrations(url);
    const postmaster = Number(readFileSync(path.join(dir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);

    // The targets, in their own process.
    const target = spawn(process.execPath, ["--import", "tsx", path.resolve("bench/prober.ts")], { env: { ...process.env, BENCH_ROLE: "target" }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    children.push(target);
    const port = await new Promise<number>((resolve, reject) => {
      target.once("message", (m) => resolve((m as { port: number }).port));
      target.once("exit", (code) => reject(new Error(`target process exited (${code})`)));
    });

    // The components, in bulk.
    const sql = postgres(url, { max: 2, onnotice: () => undefined });
    const [svc] = await sql<{ id: string }[]>`insert into services (name) values ('bench') returning id`;
    const ids = Array.from({ length: TARGETS }, () => randomUUID());
    for (let from = 0; from < TARGETS; from += 5_000) {
      const chunk = ids.slice(from, from + 5_000);
      const idx = chunk.map((_, k) => from + k);
      await sql`
        insert into components (id, service_id, name, kind, config, interval_ms, timeout_ms, unhealthy_threshold, healthy_threshold, shard)
        select id, ${svc!.id}, 'target-' || i, 'http', jsonb_build_object('url', ${`http://127.0.0.1:${port}/t/`} || i), ${INTERVAL}, 5000, 3, 2, s
        from unnest(${chunk}::uuid[], ${idx}::text[]::int[], ${chunk.map(shardFor)}::text[]::int[]) as u(id, i, s)`;
      await sql`insert into component_status (component_id) select unnest(${chunk}::uuid[])`;
    }
    log(`${TARGETS} components at ${INTERVAL} ms; targets on port ${port}`);

    // One worker.
    const worker = spawn(process.execPath, ["--import", "tsx", path.resolve("server/worker/main.ts")], {
      env: { ...process.env, DATABASE_URL: url, BULWARK_SKIP_MIGRATIONS: "1", LOG_LEVEL: "info", LOG_FORMAT: "json", BULWARK_ROLE: "worker" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(worker);
    let lastFigures = "";
    worker.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      for (const line of chunk.split("\n")) if (line.includes('"prober figures"')) lastFigures = line;
    });
    const pid = worker.pid!;

    const started = Date.now();
    for (;;) {
      const [r] = await sql<{ n: number }[]>`select count(*)::int as n from probe_shard_leases where owner is not null and lease_until > now()`;
      if (r!.n === 64) break;
      if (worker.exitCode !== null) throw new Error(`worker exited (${worker.exitCode})`);
      if (Date.now() - started > 60_000) throw new Error("worker did not take the shards within 60 s");
      await sleep(200);
    }
    const warmFrom = new Date().toISOString();
    const warmup = INTERVAL + 5_000;
    log(`worker ${pid} holds all shards after ${Date.now() - started} ms; warming up ${warmup / 1000} s`);
    await sleep(warmup);

    let peakRss = 0;
    const rssTimer = setInterval(() => {
      try {
        peakRss = Math.max(peakRss, rssMb(pid));
      } catch {
        // exited
      }
    }, 500);
    const t0 = Date.now();
    const cpu0 = cpuSeconds(pid);
    const db0 = treeCpuSeconds(postmaster);
    const tg0 = cpuSeconds(target.pid!);
    await sleep(SECONDS * 1000);
    const t1 = Date.now();
    const cpu1 = cpuSeconds(pid);
    const db1 = treeCpuSeconds(postmaster);
    const tg1 = cpuSeconds(target.pid!);
    const rssEnd = rssMb(pid);
    clearInterval(rssTimer);
    const wall = (t1 - t0) / 1000;

    // Let the last window's results reach the table, then stop the worker.
    await sleep(1_500);
    worker.kill("SIGTERM");
    await new Promise((r) => worker.once("exit", r));
    const [m] = await sql<{ n: number; p50: number; p99: number; max: number; ok: number }[]>`
      select count(*)::int as n,
        percentile_cont(0.5) within group (order by extract(epoch from at - scheduled_at) * 1000) as p50,
        percentile_cont(0.99) within group (order by extract(epoch from at - scheduled_at) * 1000) as p99,
        max(extract(epoch from at - scheduled_at) * 1000)::float8 as max,
        count(*) filter (where ok)::int as ok
      from probe_results where at >= ${new Date(t0).toISOString()}::timestamptz and at < ${new Date(t1).toISOString()}::timestamptz`;
    const [w] = await sql<{ p99: number; n: number }[]>`
      select count(*)::int as n, percentile_cont(0.99) within group (order by extract(epoch from at - scheduled_at) * 1000) as p99
      from probe_results where at >= ${warmFrom}::timestamptz and at < ${new Date(t0).toISOString()}::timestamptz`;
    log(`warm-up (first interval, new connections; not in the figures): ${w!.n} checks, lateness p99 ${Math.round(Number(w!.p99))} ms`);
    const [states] = await sql<{ s: Record<string, number> }[]>`select json_object_agg(state, n) as s from (select state, count(*)::int as n from component_status group by 1) x`;
    await sql.end();
    if (lastFigures) log(`worker's last figures: ${lastFigures.trim()}`);
    log(`states: ${JSON.stringify(states?.s)}; ok ${m!.ok} of ${m!.n}; lateness max ${Math.round(m!.max)} ms`);
    log(`database CPU ${((db1 - db0) / wall).toFixed(2)} cores, target process CPU ${((tg1 - tg0) / wall).toFixed(2)} cores`);

    const out = {
      bench: "prober",
      targets: TARGETS,
      interval_ms: INTERVAL,
      checks_per_s: Math.round((m!.n / wall) * 10) / 10,
      lateness_p50_ms: Math.round(Number(m!.p50) * 10) / 10,
      lateness_p99_ms: Math.round(Number(m!.p99) * 10) / 10,
      cpu_cores: Math.round(((cpu1 - cpu0) / wall) * 1000) / 1000,
      rss_mb: Math.round(Math.max(peakRss, rssEnd)),
      seconds: Math.round(wall),
      db_cpu_cores: Math.round(((db1 - db0) / wall) * 100) / 100,
    };
    console.log(JSON.stringify(out));
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    await pg?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.BENCH_ROLE === "target") {
  const server = http.createServer((req, res) => {
    const i = Number((req.url ?? "").slice(3)); // /t/<i>
    const b = Number.isInteger(i) ? behaviour(i) : { status: 404, delayMs: 0 };
    const answer = () => {
      res.writeHead(b.status, { "content-type": "application/json", "content-length": "15" });
      res.end('{"status":"ok"}');
    };
    if (b.delayMs) setTimeout(answer, b.delayMs);
    else answer();
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(0, "127.0.0.1", () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on("SIGTERM", () => process.exit(0));
} else {
  await main();
}
