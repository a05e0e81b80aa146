/**
 * `npm run bench:push`: time from a committed health transition to the change
 * in a real browser's DOM. A real `npm start --no-lab`; Chromium signed in on
 * /health; each sample commits one transition exactly as the prober's batch
 * writer does (server/health/prober/persist.ts: component_status
 * compare-and-set, health_transitions row, `health.signal` and degradation
 * outbox events, one transaction), and a MutationObserver in the page stamps
 * the moment the component's row shows the new `data-state`. Both clocks are
 * `performance.timeOrigin + performance.now()` on this machine.
 * Prints one JSON line last. Goal: p95 ≤ 1,000 ms.
 */
import postgres from "postgres";
import type { Page } from "@playwright/test";
import { Batch, persistBatch } from "../server/health/prober/persist";
import type { HealthState } from "../server/health/schemas";
import { launchChromium, percentile, round, signedInContext, startBulwark, trpcCaller } from "./harness";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 50);
const WARMUP = 3;
const NAME = "bench push target";
const SEEN_TIMEOUT_MS = 10_000;

declare global {
  interface Window {
    __benchSeen?: Promise<number>;
  }
}

/** Registers the observer first (resolved once it is in place), so no change can slip past it. */
async function arm(page: Page, name: string, state: HealthState): Promise<void> {
  await page.evaluate(
    ({ name, state, timeoutMs }) => {
      const selector = `[data-testid="component-row"][data-component="${CSS.escape(name)}"]`;
      window.__benchSeen = new Promise<number>((resolve, reject) => {
        const check = () => document.querySelector(selector)?.getAttribute("data-state") === state;
        const done = (t: number) => {
          observer.disconnect();
          clearTimeout(timer);
          resolve(t);
        };
        const observer = new MutationObserver(() => {
          if (check()) done(performance.timeOrigin + performance.now());
        });
        const timer = setTimeout(() => {
          observer.disconnect();
          reject(new Error(`the row did not show ${state} within ${timeoutMs} ms`));
        }, timeoutMs);
        observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
        if (check()) done(performance.timeOrigin + performance.now());
      });
    },
    { name, state, timeoutMs: SEEN_TIMEOUT_MS },
  );
}

const bulwark = await startBulwark();
const browser = await launchChromium();
const sql = postgres(bulwark.dbUrl, { max: 2, onnotice: () => undefined });
try {
  const context = await signedInContext(browser, bulwark.baseUrl);
  const api = await trpcCaller(context, bulwark.baseUrl);
  // A push component with a day-long interval: the prober leaves it alone, so only this bench moves its state.
  const { id } = await api.mutate<{ id: string }>("health.createComponent", {
    kind: "push",
    name: NAME,
    service: "Bench push",
    config: {},
    intervalMs: 86_400_000,
  });
  const [row] = await sql<{ serviceId: string; shard: number }[]>`select service_id as "serviceId", shard from components where id = ${id}`;
  if (!row) throw new Error("the component was not created");

  const page = await context.newPage();
  await page.goto("/health");
  await page.locator(`[data-testid="component-row"][data-component="${NAME}"]`).waitFor({ timeout: 30_000 });

  let current = ((await sql<{ state: HealthState }[]>`select state from component_status where component_id = ${id}`)[0]?.state ?? "unknown") as HealthState;

  /** One transition, written as the prober's batch writer writes it; returns the epoch ms at which COMMIT was acknowledged. */
  async function commit(to: HealthState): Promise<number> {
    const now = Date.now();
    const ok = to === "healthy";
    const message = ok ? "beat received" : "no heartbeat (bench)";
    const batch = new Batch();
    batch.add({
      componentId: id,
      serviceId: row!.serviceId,
      shard: row!.shard,
      at: now,
      scheduledAt: null,
      doneAt: now,
      result: { ok, latencyMs: ok ? 1 : null, message },
      prevState: current,
      outcome: {
        status: { state: to, health: ok ? "healthy" : "unhealthy", stateSince: now, consecutiveFailures: ok ? 0 : 1, consecutiveSuccesses: ok ? 1 : 0, lastOk: ok, lastMessage: message },
        transition: { from: current, to, cause: ok ? "recovered (bench)" : "failed (bench)", message },
        changed: true,
      },
      raw: false,
      touchLastChecked: true,
      maintenance: false,
    });
    const out = await sql.begin((tx) => persistBatch(tx, batch, null));
    const committedAt = performance.timeOrigin + performance.now();
    if (!out.written.has(id)) throw new Error(`the status compare-and-set was rejected (expected ${current})`);
    current = to;
    return committedAt;
  }

  const samples: number[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const to: HealthState = current === "healthy" ? "unhealthy" : "healthy";
    await arm(page, NAME, to);
    const committedAt = await commit(to);
    const seenAt = await page.evaluate(() => window.__benchSeen!);
    if (i >= WARMUP) samples.push(seenAt - committedAt);
    // Spread the samples over the stream's timing instead of landing in lockstep with it.
    await new Promise((r) => setTimeout(r, 150 + Math.random() * 250));
  }
  console.error(`push: ${samples.map((s) => Math.round(s)).join(" ")}`);
  console.log(
    JSON.stringify({
      bench: "push",
      samples: samples.length,
      p50_ms: round(percentile(samples, 50)),
      p95_ms: round(percentile(samples, 95)),
      max_ms: round(Math.max(...samples)),
    }),
  );
} finally {
  await sql.end({ timeout: 2 }).catch(() => undefined);
  await browser.close().catch(() => undefined);
  await bulwark.stop();
}
