import http from "node:http";
import type { AddressInfo } from "node:net";
import type { APIRequestContext, Page } from "@playwright/test";
import { admin, expect, mainNav, shotsDir, signIn, test, trpcMutation } from "./fixtures";

/** A health endpoint the test owns: stopped and restarted on the same port to make the component fail and recover. */
class Target {
  private server: http.Server | null = null;
  port = 0;

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      res.writeHead(req.url?.startsWith("/health") ? 200 : 404, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "ok" }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    // Keep-alive sockets from the prober would otherwise go on being answered.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

type OverviewRow = { id: string; name: string; state: string };

async function overviewRows(request: APIRequestContext): Promise<OverviewRow[]> {
  const res = await request.get("/api/trpc/health.overview");
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { result: { data: { json: { components: OverviewRow[] } } } };
  return body.result.data.json.components;
}

const row = (page: Page, name: string) => page.locator(`[data-testid="component-row"][data-component="${name}"]`);

test.describe("health", () => {
  const target = new Target();
  test.afterEach(async () => target.stop());

  test("an HTTP component turns unhealthy live when its target stops, and recovers when it is back", async ({ page }) => {
    test.setTimeout(120_000);
    await target.start();
    const name = `e2e api ${Date.now()}`;
    await signIn(page, admin.email, admin.password);
    await mainNav(page).getByRole("link", { name: "Health", exact: true }).click();
    await page.getByTestId("add-component").click();
    await expect(page).toHaveURL(/\/health\/new$/);

    // Kind first, then the fields of that kind.
    await page.locator('input[name="component-kind"][value="http"]').check();
    await page.getByTestId("field-url").fill(`http://127.0.0.1:${target.port}`);
    await page.getByTestId("preset-/health").click();
    await expect(page.getByTestId("field-url")).toHaveValue(`http://127.0.0.1:${target.port}/health`);
    await page.getByTestId("field-name").fill(name);
    await page.getByTestId("field-service").fill("e2e");
    await page.getByTestId("field-interval").fill("1");
    await page.getByTestId("field-timeout").fill("0.5");
    await page.getByTestId("field-unhealthy").fill("2");
    await page.getByTestId("field-healthy").fill("1");

    // Test now: one unsaved check, shown inline.
    await page.getByTestId("component-test").click();
    await expect(page.getByTestId("test-result")).toHaveAttribute("data-ok", "true", { timeout: 15_000 });
    await page.screenshot({ path: `${shotsDir}/health-form.png`, fullPage: true });

    await page.getByTestId("component-submit").click();
    await expect(page).toHaveURL(/\/health\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("component-page")).toHaveAttribute("data-state", "healthy", { timeout: 30_000 });

    // The list, opened once; everything after this arrives over the live stream.
    await mainNav(page).getByRole("link", { name: "Health", exact: true }).click();
    await page.getByTestId("health-search").fill(name);
    await expect(page).toHaveURL(/q=/);
    await expect(row(page, name)).toHaveAttribute("data-state", "healthy");
    await page.evaluate(() => {
      (window as unknown as { __sameDocument?: boolean }).__sameDocument = true;
    });

    await target.stop();
    await expect(row(page, name)).toHaveAttribute("data-state", "unhealthy", { timeout: 15_000 });
    await expect(row(page, name)).toContainText(/unhealthy/i); // text and icon, not colour alone
    await page.getByTestId("health-search").fill("");
    await expect(page).not.toHaveURL(/q=/);
    await page.screenshot({ path: `${shotsDir}/health-list.png`, fullPage: true });

    await target.start(); // same port
    await expect(row(page, name)).toHaveAttribute("data-state", "healthy", { timeout: 15_000 });
    // No reload happened: the page is the same document throughout.
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

    await row(page, name).getByRole("link", { name }).click();
    await expect(page.getByTestId("component-page")).toHaveAttribute("data-state", "healthy");
    await expect(page.getByTestId("transition").filter({ has: page.locator('[data-state="unhealthy"]') }).first()).toBeVisible();
    await page.screenshot({ path: `${shotsDir}/health-component.png`, fullPage: true });
  });

  test("confirmations: pause and resume, a maintenance window added and removed, a push token rotated, a delete that needs the name typed", async ({ page }) => {
    await signIn(page, admin.email, admin.password);
    const stamp = Date.now();
    const created = async (input: Record<string, unknown>) => {
      const r = await trpcMutation(page.request, "health.createComponent", input);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return (r.body as { result: { data: { json: { id: string } } } }).result.data.json.id;
    };
    const httpId = await created({ kind: "http", name: `e2e confirm ${stamp}`, service: "e2e", config: { url: "http://127.0.0.1:9/health" } });
    const pushId = await created({ kind: "push", name: `e2e push ${stamp}`, service: "e2e", config: {} });

    await page.goto(`/health/${httpId}`);
    await page.getByTestId("pause-toggle").click();
    await page.getByTestId("confirm-pause").click();
    await expect(page.getByTestId("component-page")).toHaveAttribute("data-state", "paused");
    await page.getByTestId("pause-toggle").click();
    await page.getByTestId("confirm-pause").click();
    await expect(page.getByTestId("component-page")).not.toHaveAttribute("data-state", "paused");

    await page.getByTestId("add-maintenance").click();
    await page.locator("#m-reason").fill("e2e window");
    await page.getByTestId("maintenance-submit").click();
    await expect(page.getByTestId("maintenance-window")).toHaveCount(1);
    await page.getByRole("button", { name: "Remove window: e2e window" }).click();
    await page.getByTestId("confirm-action").click();
    await expect(page.getByTestId("maintenance-window")).toHaveCount(0);

    await page.getByTestId("delete-component").click();
    await expect(page.getByTestId("confirm-delete")).toBeDisabled();
    await page.getByTestId("delete-confirm-input").fill(`e2e confirm ${stamp}`);
    await page.getByTestId("confirm-delete").click();
    await expect(page).toHaveURL(/\/health$/);

    await page.goto(`/health/${pushId}`);
    await page.getByTestId("rotate-token").click();
    await page.getByTestId("confirm-rotate").click();
    await expect(page.getByTestId("push-url-value")).toContainText("/api/v1/push/");
  });

  test("invalid input shows field errors and creates nothing", async ({ page }) => {
    await signIn(page, admin.email, admin.password);
    const name = `e2e bad ${Date.now()}`;
    await page.goto("/health/new");
    await page.locator('input[name="component-kind"][value="http"]').check();
    await page.getByTestId("field-url").fill("not a url");
    await page.getByTestId("field-name").fill(name);
    await page.getByTestId("field-service").fill("e2e");
    await page.getByTestId("field-interval").fill("0.5");
    await page.getByTestId("component-submit").click();
    const form = page.getByTestId("component-form");
    await expect(form.getByText("Enter a full URL")).toBeVisible();
    await expect(form.getByText("Interval must be at least 1 s")).toBeVisible();
    await expect(page.getByTestId("field-interval")).toHaveAttribute("aria-invalid", "true");

    // Timeout not shorter than the interval.
    await page.getByTestId("field-url").fill("http://127.0.0.1:9/health");
    await page.getByTestId("field-interval").fill("2");
    await page.getByTestId("field-timeout").fill("2");
    await page.getByTestId("component-submit").click();
    await expect(form.getByText("Timeout must be shorter than the interval")).toBeVisible();
    await expect(page).toHaveURL(/\/health\/new$/);
    await page.screenshot({ path: `${shotsDir}/health-form-errors.png`, fullPage: true });

    // The server refuses the same input on its own, field by field.
    const bad = await trpcMutation(page.request, "health.createComponent", { kind: "http", name, service: "e2e", intervalMs: 500, config: { url: "not a url" } });
    expect(bad.status).toBe(400);
    const err = bad.body.error as { json: { data: { fieldErrors: Record<string, string[]> } } };
    expect(Object.keys(err.json.data.fieldErrors)).toEqual(expect.arrayContaining(["config.url", "intervalMs"]));

    expect((await overviewRows(page.request)).some((c) => c.name === name)).toBe(false);
  });

  test("a YAML import with one bad entry shows it and saves nothing", async ({ page }) => {
    await signIn(page, admin.email, admin.password);
    const good = `e2e yaml ok ${Date.now()}`;
    await page.goto("/health");
    await page.getByTestId("import-yaml").click();
    await page.getByTestId("import-text").fill(
      [
        "components:",
        `  - name: ${good}`,
        "    service: e2e-yaml",
        "    kind: tcp",
        "    config: { host: 127.0.0.1, port: 9 }",
        "  - name: broken",
        "    service: e2e-yaml",
        "    kind: http",
        "    config: { url: nope }",
      ].join("\n"),
    );
    await page.getByTestId("import-submit").click();
    await expect(page.getByTestId("import-entry-errors")).toContainText("Entry 2");
    await expect(page.getByTestId("import-entry-errors")).toContainText("config.url");
    await expect(page.getByTestId("import-error")).toContainText(/nothing was imported/i);
    expect((await overviewRows(page.request)).some((c) => c.name === good)).toBe(false);
  });

  test("a viewer sees health but no controls to change it", async ({ page, browser }) => {
    await signIn(page, admin.email, admin.password);
    const created = await trpcMutation(page.request, "health.createComponent", {
      kind: "tcp",
      name: `e2e viewer sees ${Date.now()}`,
      service: "e2e",
      config: { host: "127.0.0.1", port: 9 },
    });
    expect(created.status).toBe(200);
    const { id } = (created.body.result as { data: { json: { id: string } } }).data.json;
    const email = `health-viewer-${Date.now()}@example.com`;
    const password = "viewer-password-123";
    expect((await trpcMutation(page.request, "users.create", { email, name: "Vic Viewer", role: "viewer", password })).status).toBe(200);

    const ctx = await browser.newContext();
    const viewer = await ctx.newPage();
    await signIn(viewer, email, password);
    await viewer.goto("/health");
    await expect(viewer.getByTestId("health-grid")).toBeVisible();
    await expect(viewer.getByTestId("export-yaml")).toBeVisible();
    await expect(viewer.getByTestId("add-component")).toHaveCount(0);
    await expect(viewer.getByTestId("import-yaml")).toHaveCount(0);

    await viewer.goto(`/health/${id}`);
    await expect(viewer.getByTestId("component-page")).toBeVisible();
    for (const control of ["edit-component", "delete-component", "pause-toggle", "test-now", "add-maintenance"]) {
      await expect(viewer.getByTestId(control)).toHaveCount(0);
    }
    await viewer.goto("/health/new");
    await expect(viewer.getByTestId("health-forbidden")).toBeVisible();
    await expect(viewer.getByTestId("component-form")).toHaveCount(0);

    const denied = await trpcMutation(viewer.request, "health.deleteComponent", { id });
    expect(denied.status).toBe(403);
    await ctx.close();
  });
});
