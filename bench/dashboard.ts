/**
 * `npm run bench:dashboard`: the Health page with 1,000 components. A real
 * `npm start --no-lab`; the components are created through the import verb
 * (`health.importYaml`, one all-or-nothing request) as push components with a
 * day-long interval, so the prober adds no load while we measure; their
 * status rows then get a realistic mix of states and latencies.
 *  - overview_p95_ms: `health.overview` (the page's data) over HTTP with the
 *    session cookie, sequential requests, round trip on loopback.
 *  - page_load_ms: navigation start → the grid's first page of rows is in the
 *    DOM (a MutationObserver installed before any page script stamps the
 *    moment), median of several loads after a warm-up.
 * Prints one JSON line last. Goal: ≤ 100 ms and ≤ 1,500 ms.
 */
import postgres from "postgres";
import { stringify } from "yaml";
import { launchChromium, percentile, round, signedInContext, startBulwark, trpcCaller } from "./harness";

const COMPONENTS = Number(process.env.BENCH_COMPONENTS ?? 1000);
const SERVICES = 20;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50);
const LOADS = Number(process.env.BENCH_LOADS ?? 5);
/** A running server is warm: the first requests (JIT, plan cache, pool) are not what a user of a live dashboard waits for. */
const WARMUP_REQUESTS = 20;
/** The grid renders its first rows at once and the rest as the list scrolls (components/health/health-grid.tsx). */
const FIRST_PAGE = 400;

declare global {
  interface Window {
    __benchVisibleAt?: number;
  }
}

const bulwark = await startBulwark();
const browser = await launchChromium();
const sql = postgres(bulwark.dbUrl, { max: 2, onnotice: () => undefined });
try {
  const context = await signedInContext(browser, bulwark.baseUrl);
  const api = await trpcCaller(context, bulwark.baseUrl);

  const components = Array.from({ length: COMPONENTS }, (_, i) => ({
    service: `Bench service ${String((i % SERVICES) + 1).padStart(2, "0")}`,
    name: `component-${String(i + 1).padStart(4, "0")}`,
    kind: "push",
    config: {},
    intervalMs: 86_400_000,
    tags: [`team-${i % 7}`, i % 3 === 0 ? "critical" : "standard"],
  }));
  const t0 = performance.now();
  const imported = await api.mutate<{ created: number }>("health.importYaml", { yaml: stringify({ components }) });
  console.error(`imported ${imported.created} components in ${Math.round(performance.now() - t0)} ms`);
  await sql`
    update component_status set
      state = (array['healthy','healthy','healthy','healthy','healthy','healthy','degraded','unhealthy','unknown','maintenance']::health_state[])[1 + floor(random() * 10)::int],
      last_checked_at = now() - random() * interval '60 seconds',
      last_ok = random() > 0.1,
      last_latency_ms = round((5 + random() * 300)::numeric, 1),
      last_message = 'bench'`;

  // health.overview: the Health page's data, as the browser fetches it.
  const first = await api.query<{ components: unknown[] }>("health.overview");
  if (first.components.length < COMPONENTS) throw new Error(`overview returned ${first.components.length} components`);
  const times: number[] = [];
  for (let i = 0; i < WARMUP_REQUESTS + REQUESTS; i++) {
    const s = performance.now();
    const res = await fetch(`${bulwark.baseUrl}/api/trpc/health.overview`, { headers: { cookie: api.cookie } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`health.overview: HTTP ${res.status}`);
    if (i >= WARMUP_REQUESTS) times.push(performance.now() - s);
  }

  // Page load until content is visible.
  const want = Math.min(FIRST_PAGE, COMPONENTS);
  await context.addInitScript((want: number) => {
    const stamp = () => {
      if (window.__benchVisibleAt === undefined && document.querySelectorAll('[data-testid="component-row"]').length >= want) {
        window.__benchVisibleAt = performance.now();
        observer.disconnect();
      }
    };
    const observer = new MutationObserver(stamp);
    observer.observe(document, { subtree: true, childList: true });
  }, want);
  const loads: number[] = [];
  for (let i = 0; i < 1 + LOADS; i++) {
    const page = await context.newPage();
    await page.goto("/health", { waitUntil: "commit" });
    await page.waitForFunction(() => window.__benchVisibleAt !== undefined, undefined, { timeout: 30_000, polling: 50 });
    const ms = await page.evaluate(() => window.__benchVisibleAt!);
    const shownTotal = await page.getByTestId("health-shown").textContent().catch(() => null);
    if (i === 0) console.error(`health page says: ${shownTotal?.trim() ?? "?"}`);
    if (i > 0) loads.push(ms);
    await page.close();
  }
  console.error(`overview: ${times.map((t) => Math.round(t)).join(" ")}`);
  console.error(`page loads: ${loads.map((t) => Math.round(t)).join(" ")}`);
  console.log(
    JSON.stringify({
      bench: "dashboard",
      components: COMPONENTS,
      overview_p50_ms: round(percentile(times, 50)),
      overview_p95_ms: round(percentile(times, 95)),
      page_load_ms: round(percentile(loads, 50)),
      page_load_max_ms: round(Math.max(...loads)),
      rows_first_paint: want,
    }),
  );
} finally {
  await sql.end({ timeout: 2 }).catch(() => undefined);
  await browser.close().catch(() => undefined);
  await bulwark.stop();
}
