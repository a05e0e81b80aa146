import http from "node:http";
import type { AddressInfo } from "node:net";
import type { APIRequestContext } from "@playwright/test";
import { admin, expect, shotsDir, signIn, test, trpcMutation } from "./fixtures";

/**
 * The whole loop on real parts: a service the test owns (a real HTTP server
 * on 127.0.0.1, standing in for a lab service — the e2e server runs with
 * --no-lab), probed by the real worker, folded into an SLO, evaluated, and the
 * deploy gate answering over HTTP with an API token. Slow by nature: a minute
 * is folded once it is complete (≈ 70 s after it starts), so each phase waits
 * up to ~2.5 minutes.
 */
class FlakyService {
  failing = false;
  private server: http.Server | null = null;
  port = 0;

  async start(): Promise<void> {
    const server = http.createServer((_req, res) => {
      res.writeHead(this.failing ? 503 : 200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: this.failing ? "down" : "ok" }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

type Detail = { status: { state: string; remaining: number | null; total: number }; gate: { allowed: boolean } };

async function trpcQuery<T>(request: APIRequestContext, procedure: string, input: unknown): Promise<T> {
  const res = await request.get(`/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

async function created<T>(request: APIRequestContext, procedure: string, input: unknown): Promise<T> {
  const r = await trpcMutation(request, procedure, input);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return (r.body as { result: { data: { json: T } } }).result.data.json;
}

const service = new FlakyService();
test.beforeAll(async () => service.start());
test.afterAll(async () => service.stop());

test("an SLO on a probed service burns its budget when the service degrades, and the deploy gate closes", async ({ page, request }) => {
  test.setTimeout(420_000);
  await signIn(page, admin.email, admin.password);
  const api = page.request;

  const component = await created<{ id: string }>(api, "health.createComponent", {
    kind: "http",
    name: "Budget demo /health",
    service: "Budget demo",
    config: { url: `http://127.0.0.1:${service.port}/health` },
    intervalMs: 1_000,
    timeoutMs: 800,
    unhealthyThreshold: 2,
    healthyThreshold: 1,
  });
  const slo = await created<{ id: string }>(api, "slo.create", {
    service: "Budget demo",
    name: "Budget demo availability",
    sli: { source: "probe", componentId: component.id, measure: "availability" },
    objective: 0.99,
    window: { kind: "rolling", days: 1 },
  });
  await created(api, "slo.savePolicy", {
    name: "Budget demo policy",
    service: "Budget demo",
    tiers: [
      { name: "Notify owners", below: 0.5, action: "notify" },
      { name: "Freeze deploys", below: 0, action: "freeze" },
    ],
  });
  const { token } = await created<{ token: string }>(api, "slo.createToken", { service: "Budget demo", name: "ci", scopes: ["gate:read"] });
  const gate = () => request.get(`/api/v1/gate?service=${encodeURIComponent("Budget demo")}`, { headers: { authorization: `Bearer ${token}` } });

  // Healthy: once a complete minute is folded and evaluated, the SLO is ok with its budget whole and the gate open.
  await expect(async () => {
    const d = await trpcQuery<Detail>(api, "slo.detail", { id: slo.id });
    expect(d.status.total).toBeGreaterThan(0);
    expect(d.status.state).toBe("ok");
    expect(d.status.remaining).toBe(1);
  }).toPass({ timeout: 180_000, intervals: [2_000] });
  const open = await gate();
  expect(open.status()).toBe(200);
  expect(await open.json()).toMatchObject({ allowed: true, reasons: [] });
  await page.goto(`/slos/${slo.id}`);
  await expect(page.getByText("Budget demo availability").first()).toBeVisible();
  await page.screenshot({ path: `${shotsDir}/slo-budget-healthy.png`, fullPage: true });

  // Degraded: every check fails; a full bad minute overspends a 1 % budget, the state is breached and the gate closes.
  service.failing = true;
  await expect(async () => {
    const d = await trpcQuery<Detail>(api, "slo.detail", { id: slo.id });
    expect(d.status.state).toBe("breached");
    expect(d.status.remaining ?? 1).toBeLessThan(0);
  }).toPass({ timeout: 200_000, intervals: [2_000] });
  const closed = await gate();
  expect(closed.status()).toBe(423);
  const body = (await closed.json()) as { allowed: boolean; reasons: Array<{ slo: { name: string }; tier: string }> };
  expect(body.allowed).toBe(false);
  expect(body.reasons).toEqual([expect.objectContaining({ slo: expect.objectContaining({ name: "Budget demo availability" }), tier: "Freeze deploys" })]);

  await page.reload();
  await expect(page.getByText(/breached/i).first()).toBeVisible();
  await page.screenshot({ path: `${shotsDir}/slo-budget-breached.png`, fullPage: true });

  // An admin's time-boxed override lets a fix out, and says so.
  await created(api, "slo.grantOverride", { service: "Budget demo", justification: "Shipping the fix for the outage", durationMinutes: 30 });
  const overridden = await gate();
  expect(overridden.status()).toBe(200);
  expect(await overridden.json()).toMatchObject({ allowed: true, override: { justification: "Shipping the fix for the outage" } });
});
