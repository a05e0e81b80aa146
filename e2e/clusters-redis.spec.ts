import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type RedisTrio, redisTrioAvailable, startRedisTrio } from "../server/lab/redis-trio";
import { admin, expect, shotsDir, signIn, test } from "./fixtures";
import { memberCard } from "./clusters-helpers";

/**
 * A Redis Sentinel cluster through the UI on a real master, replica and three
 * sentinels of its own: added with the form, observed (members are named
 * host:port by the sentinels), switched over from the dialog with the write
 * probe measuring, and the roles swapped afterwards. Skipped only when
 * redis-server / redis-sentinel are missing (.ci/run installs them).
 */
const clusterName = `e2e-redis-${Date.now().toString(36)}`;
let dir = "";
let trio: RedisTrio | null = null;

test.describe.configure({ mode: "serial" });
test.skip(!redisTrioAvailable(), "redis-server / redis-sentinel are not installed");

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = mkdtempSync(path.join(os.tmpdir(), "bulwark-e2e-redis-"));
  trio = await startRedisTrio({ dir, masterName: "e2e-master" });
});

test.afterAll(async () => {
  await trio?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});


test("a Redis Sentinel cluster is added, observed and switched over from the UI without losing an acknowledged write", async ({ page }) => {
  test.setTimeout(240_000);
  const t = trio;
  if (!t) throw new Error("trio not started");
  await signIn(page, admin.email, admin.password);

  await page.goto("/clusters/new");
  await page.locator('label[data-adapter="redis-sentinel"]').click();
  await page.getByTestId("field-name").fill(clusterName);
  for (const [i, s] of t.sentinels.entries()) {
    if (i > 0) await page.getByRole("button", { name: "Add sentinel" }).click();
    await page.getByTestId(`sentinel-${i}-host`).fill(s.host);
    await page.getByTestId(`sentinel-${i}-port`).fill(String(s.port));
  }
  await page.getByTestId("field-master-name").fill(t.masterName);
  await page.getByTestId("cluster-submit").click();
  await expect(page).toHaveURL(/\/clusters\/[0-9a-f-]{36}$/, { timeout: 20_000 });

  const master = `${t.master.host}:${t.master.port}`;
  const replica = `${t.replica.host}:${t.replica.port}`;
  await expect(memberCard(page, master)).toHaveAttribute("data-role", "primary", { timeout: 60_000 });
  await expect(memberCard(page, replica)).toHaveAttribute("data-role", "standby", { timeout: 60_000 });

  await page.getByTestId("switchover-button").click();
  const dialog = page.getByTestId("operation-dialog");
  await expect(dialog.getByTestId("preflight-verdict")).toHaveAttribute("data-ok", "true", { timeout: 30_000 });
  await expect(dialog.getByTestId("op-candidate")).toHaveValue(replica);
  await dialog.getByTestId("op-reason").fill("e2e: moving the Redis master from the dialog");
  await dialog.getByTestId("op-confirm-name").fill(clusterName);
  await dialog.getByTestId("op-submit").click();

  await expect(page).toHaveURL(/\/clusters\/operations\/[0-9a-f-]{36}$/, { timeout: 20_000 });
  await expect(page.getByTestId("operation-page")).toHaveAttribute("data-status", "succeeded", { timeout: 120_000 });
  await expect(page.getByTestId("figure-unavailable-value")).toHaveText(/\d+(\.\d+)? (ms|s)/);
  await expect(page.getByTestId("figure-lost-value")).toHaveText("0");
  await expect(page.locator('[data-testid="step"][data-status="failed"]')).toHaveCount(0);
  await expect(page.locator('[data-testid="step"][data-step="pause"]')).toHaveAttribute("data-status", "ok");
  await page.screenshot({ path: `${shotsDir}/cluster-redis-operation.png`, fullPage: true });

  await page.getByTestId("back-to-cluster").click();
  await expect(memberCard(page, replica)).toHaveAttribute("data-role", "primary", { timeout: 60_000 });
  await expect(memberCard(page, master)).toHaveAttribute("data-role", "standby", { timeout: 60_000 });

  // The overview's getting-started list counts it.
  await page.goto("/");
  const step = page.locator('[data-testid="getting-started"] [data-step="clusters"]');
  await expect(step).toHaveAttribute("data-state", "done");
  await expect(step).toContainText(/switched over at least once/);
});
