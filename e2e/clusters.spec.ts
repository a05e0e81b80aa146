import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type PgPair, startPgPair } from "../server/lab/pg-pair/pair";
import { admin, expect, mainNav, shotsDir, signIn, test, trpcMutation } from "./fixtures";
import { fillPairClusterForm, memberCard } from "./clusters-helpers";

/**
 * The switchover button on a real pair: two embedded PostgreSQL servers (the
 * standby cloned from the primary), the router clients write through and the
 * host agent, started here on random ports (the e2e server runs --no-lab).
 * The cluster is added through the form, observed by the real worker, and
 * switched over through the dialog; the operation page follows it live.
 */
const agentToken = `e2e-agent-${Date.now()}`;
const clusterName = `e2e-pair-${Date.now().toString(36)}`;
let dir = "";
let pair: PgPair | null = null;
let clusterUrl = "";

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  dir = mkdtempSync(path.join(os.tmpdir(), "bulwark-e2e-pair-"));
  pair = await startPgPair({ dir, agentToken, extraFlags: ["-c", "fsync=off", "-c", "full_page_writes=off"] });
});

test.afterAll(async () => {
  await pair?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});


test("an invalid cluster form shows the errors on its fields and sends nothing", async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  await mainNav(page).getByRole("link", { name: "Clusters", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Clusters" })).toBeVisible();
  // The e2e server runs --no-lab, so this spec sees the empty state first (unless rerun against a kept server).
  if (await page.getByTestId("empty-state").isVisible()) await page.screenshot({ path: `${shotsDir}/clusters-empty.png`, fullPage: true });
  await page.getByTestId("new-cluster").first().click();
  await expect(page.getByTestId("cluster-form")).toBeVisible();
  await page.getByTestId("member-0-host").fill("not a host!");
  await page.getByTestId("field-write-probe-url").fill("http://wrong-scheme");
  await page.getByTestId("cluster-submit").click();
  await expect(page.getByTestId("cluster-form-invalid")).toBeVisible();
  const form = page.getByTestId("cluster-form");
  await expect(form).toContainText("Enter a name");
  await expect(form).toContainText("Enter a member name");
  await expect(form).toContainText("Not a valid host name or address");
  await expect(form).toContainText("Use a postgres:// connection URL");
  await expect(page.getByTestId("field-name")).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/clusters\/new$/);
  await page.screenshot({ path: `${shotsDir}/cluster-new-invalid.png`, fullPage: true });
});

test("admin adds the pair, switches it over from the dialog and watches the operation succeed", async ({ page }) => {
  test.setTimeout(300_000);
  const p = pair;
  if (!p) throw new Error("pair not started");
  await signIn(page, admin.email, admin.password);
  await fillPairClusterForm(page, clusterName, p, agentToken);
  await page.screenshot({ path: `${shotsDir}/cluster-new.png`, fullPage: true });
  await page.getByTestId("cluster-submit").click();
  await expect(page).toHaveURL(/\/clusters\/[0-9a-f-]{36}$/, { timeout: 20_000 });
  clusterUrl = new URL(page.url()).pathname;
  await expect(page.getByRole("heading", { level: 1, name: clusterName })).toBeVisible();

  // The worker's observer fills in the roles: a primary and a streaming standby.
  const primary = p.routedTo() ?? "a";
  const standby = primary === "a" ? "b" : "a";
  await expect(memberCard(page, primary)).toHaveAttribute("data-role", "primary", { timeout: 60_000 });
  await expect(memberCard(page, standby)).toHaveAttribute("data-role", "standby", { timeout: 60_000 });
  await expect(memberCard(page, standby)).toContainText(/streaming|async|sync/i);
  await expect(page.getByTestId("cluster-primary")).toHaveText(primary);

  // The list shows the role map.
  await page.goto("/clusters");
  const row = page.locator(`[data-testid="cluster-row"][data-cluster="${clusterName}"]`);
  await expect(row.locator(`[data-testid="member-chip"][data-member="${primary}"]`)).toHaveAttribute("data-role", "primary");
  await expect(row.locator(`[data-testid="member-chip"][data-member="${standby}"]`)).toHaveAttribute("data-role", "standby");
  await row.getByRole("link", { name: clusterName }).click();
  await expect(page).toHaveURL(clusterUrl);

  // Switchover: preflight passes, the button waits for the reason and the typed name.
  await page.getByTestId("switchover-button").click();
  const dialog = page.getByTestId("operation-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("preflight-verdict")).toHaveAttribute("data-ok", "true", { timeout: 30_000 });
  await expect(dialog.getByTestId("op-candidate")).toHaveValue(standby);
  const submit = dialog.getByTestId("op-submit");
  await expect(submit).toBeDisabled();
  await dialog.getByTestId("op-reason").fill("e2e: moving the primary to prove the button works");
  await expect(submit).toBeDisabled();
  await dialog.getByTestId("op-confirm-name").fill(clusterName);
  await expect(submit).toBeEnabled();
  await page.screenshot({ path: `${shotsDir}/cluster-switchover-dialog.png`, fullPage: true });
  await submit.click();

  // The operation page follows the steps live until it succeeds, with a measured write-unavailability.
  await expect(page).toHaveURL(/\/clusters\/operations\/[0-9a-f-]{36}$/, { timeout: 20_000 });
  await expect(page.getByTestId("step").first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("operation-page")).toHaveAttribute("data-status", "succeeded", { timeout: 180_000 });
  await expect(page.getByTestId("figure-unavailable-value")).toHaveText(/\d+(\.\d+)? (ms|s)/);
  await expect(page.getByTestId("figure-lost-value")).toHaveText("0");
  await expect(page.locator('[data-testid="step"][data-status="failed"]')).toHaveCount(0);
  await expect(page.getByTestId("operation-reason")).toContainText("e2e: moving the primary");
  await page.screenshot({ path: `${shotsDir}/cluster-operation.png`, fullPage: true });

  // Back on the cluster page the roles have swapped and the history has the measured operation.
  await page.getByTestId("back-to-cluster").click();
  await expect(memberCard(page, standby)).toHaveAttribute("data-role", "primary", { timeout: 60_000 });
  await expect(memberCard(page, primary)).toHaveAttribute("data-role", "standby", { timeout: 90_000 });
  const op = page.getByTestId("operation-row").first();
  await expect(op).toHaveAttribute("data-status", "succeeded");
  await expect(op.getByTestId("operation-unavailability")).toContainText(/\d.*\(target 60 s\)/);

  // A second switchover (back, through the API) puts two measured operations in the history chart.
  const clusterId = clusterUrl.split("/").pop();
  const back = await trpcMutation(page.request, "clusters.switchover", { clusterId, reason: "e2e: and back again to the first member", confirmName: clusterName });
  expect(back.status, JSON.stringify(back.body)).toBe(200);
  await expect(page.locator('[data-testid="operation-row"][data-status="succeeded"]')).toHaveCount(2, { timeout: 120_000 });
  await expect(page.getByTestId("unavailability-chart")).toBeVisible();
  await expect(memberCard(page, primary)).toHaveAttribute("data-role", "primary", { timeout: 60_000 });
  await page.screenshot({ path: `${shotsDir}/cluster.png`, fullPage: true });

  await page.goto("/clusters");
  await expect(row.getByTestId("last-operation")).toContainText(/\d+(\.\d+)? (ms|s)/);
  await page.screenshot({ path: `${shotsDir}/clusters.png`, fullPage: true });
});

test("failover is refused while the primary is up; a scheduled switchover is cancelled; the cluster is edited", async ({ page }) => {
  test.skip(!clusterUrl, "needs the cluster added by the previous test");
  await signIn(page, admin.email, admin.password);
  await page.goto(clusterUrl);
  const dialog = page.getByTestId("operation-dialog");

  // Failover with a healthy primary: the preflight says why not, the RPO estimate and its acknowledgement are there.
  await page.getByTestId("failover-button").click();
  await expect(dialog.locator('[data-check="primary_down"]')).toHaveAttribute("data-ok", "false", { timeout: 30_000 });
  await expect(dialog.getByTestId("rpo-estimate")).toBeVisible();
  await dialog.getByTestId("op-ack").check();
  await dialog.getByTestId("op-reason").fill("e2e: the primary is fine, this must be refused");
  await dialog.getByTestId("op-confirm-name").fill(clusterName);
  await expect(dialog.getByTestId("op-submit")).toBeDisabled();
  await page.screenshot({ path: `${shotsDir}/cluster-failover-dialog.png` });
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  await page.getByTestId("switchover-button").click();
  await expect(dialog.getByTestId("preflight-verdict")).toHaveAttribute("data-ok", "true", { timeout: 30_000 });
  const at = new Date(Date.now() + 3 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  await dialog.getByTestId("op-scheduled-at").fill(`${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`);
  await dialog.getByTestId("op-reason").fill("e2e: a switchover for the maintenance window");
  await dialog.getByTestId("op-confirm-name").fill(clusterName);
  await expect(dialog.getByTestId("op-submit")).toHaveText(/Schedule switchover/);
  await dialog.getByTestId("op-submit").click();
  await expect(page.getByTestId("operation-page")).toHaveAttribute("data-status", "scheduled", { timeout: 20_000 });
  await page.getByTestId("back-to-cluster").click();
  const banner = page.getByTestId("active-operation-banner");
  await expect(banner).toHaveAttribute("data-status", "scheduled");
  // While it holds the cluster, a second request is refused with a link to it.
  await page.getByTestId("switchover-button").click();
  await expect(dialog.getByTestId("preflight-verdict")).toHaveAttribute("data-ok", "false", { timeout: 30_000 });
  await expect(dialog.locator('[data-check="no_running_operation"]')).toHaveAttribute("data-ok", "false");
  await page.keyboard.press("Escape");
  await banner.getByTestId("cancel-operation").click();
  await page.getByTestId("confirm-cancel-operation").click();
  await expect(page.getByTestId("active-operation-banner")).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByTestId("operation-row").first()).toHaveAttribute("data-status", "cancelled");

  // Edit: secrets come back redacted and are kept when saved unchanged; the observer still reaches the members.
  await page.getByTestId("edit-cluster").click();
  await expect(page.getByTestId("cluster-form")).toBeVisible();
  await expect(page.getByTestId("field-write-probe-url")).toHaveValue("••••••");
  await page.getByTestId("field-description").fill("The e2e pair: two embedded PostgreSQL servers behind a router.");
  await page.screenshot({ path: `${shotsDir}/cluster-edit.png`, fullPage: true });
  await page.getByTestId("cluster-submit").click();
  await expect(page).toHaveURL(clusterUrl);
  await expect(page.getByText("The e2e pair: two embedded PostgreSQL servers behind a router.")).toBeVisible();
  await page.waitForTimeout(4_000);
  await expect(page.getByTestId("observe-error")).toHaveCount(0);
  await expect(page.getByTestId("cluster-primary")).not.toHaveText("no primary");
});

test("a viewer sees the cluster but the switchover and failover buttons are disabled", async ({ page, browser }) => {
  test.skip(!clusterUrl, "needs the cluster added by the previous test");
  await signIn(page, admin.email, admin.password);
  const email = `viewer-clusters-${Date.now()}@example.com`;
  const password = "viewer-password-123";
  const created = await trpcMutation(page.request, "users.create", { email, name: "Vic Viewer", role: "viewer", password });
  expect(created.status).toBe(200);

  const ctx = await browser.newContext();
  const viewer = await ctx.newPage();
  await signIn(viewer, email, password);
  await viewer.goto(clusterUrl);
  await expect(viewer.getByRole("heading", { level: 1, name: clusterName })).toBeVisible();
  await expect(viewer.getByTestId("switchover-button")).toBeDisabled();
  await expect(viewer.getByTestId("failover-button")).toBeDisabled();
  await expect(viewer.getByTestId("needs-operator")).toHaveText(/needs the operator role/);
  await expect(viewer.getByTestId("delete-cluster")).toHaveCount(0);
  await viewer.screenshot({ path: `${shotsDir}/cluster-viewer.png`, fullPage: true });
  // The list offers them no "Add cluster", and the API refuses their switchover.
  await viewer.goto("/clusters");
  await expect(viewer.getByTestId("new-cluster")).toHaveCount(0);
  const clusterId = clusterUrl.split("/").pop();
  const denied = await trpcMutation(viewer.request, "clusters.switchover", { clusterId, reason: "viewer trying anyway", confirmName: clusterName });
  expect(denied.status).toBe(403);

  // A cluster or operation that does not exist is the 404 page, not an error.
  for (const missing of ["/clusters/00000000-0000-4000-8000-000000000000", "/clusters/operations/00000000-0000-4000-8000-000000000000"]) {
    const res = await viewer.goto(missing);
    expect(res?.status()).toBe(404);
    await expect(viewer.getByRole("heading", { name: "Page not found" })).toBeVisible();
  }
  await ctx.close();
});
