import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type PgPair, startPgPair } from "../server/lab/pg-pair/pair";
import { admin, expect, shotsDir, signIn, test, trpcMutation } from "./fixtures";
import { fillPairClusterForm, memberCard } from "./clusters-helpers";

/**
 * The needs-attention path on a real pair of its own: the cluster is added
 * without the host agent, so the switchover can only fence the old primary
 * with SQL (read-only by default) and promote the candidate — it cannot
 * restart the old primary as a standby and parks the operation for a person.
 * An operator requests it and cannot resolve it; an admin resolves it.
 */
const clusterName = `e2e-attention-${Date.now().toString(36)}`;
let dir = "";
let pair: PgPair | null = null;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  dir = mkdtempSync(path.join(os.tmpdir(), "bulwark-e2e-attention-"));
  // The pair always runs its agent; this cluster is simply never told about it.
  pair = await startPgPair({ dir, agentToken: `unused-${Date.now()}`, extraFlags: ["-c", "fsync=off", "-c", "full_page_writes=off"] });
});

test.afterAll(async () => {
  await pair?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});


test("without an agent a switchover promotes, parks the rejoin as needs attention, and an admin resolves it", async ({ page, browser }) => {
  test.setTimeout(360_000);
  const p = pair;
  if (!p) throw new Error("pair not started");
  await signIn(page, admin.email, admin.password);

  // An operator: may request the switchover, may not resolve it.
  const opEmail = `operator-attention-${Date.now()}@example.com`;
  const opPassword = "operator-password-123";
  const created = await trpcMutation(page.request, "users.create", { email: opEmail, name: "Ophelia Operator", role: "operator", password: opPassword });
  expect(created.status, JSON.stringify(created.body)).toBe(200);

  // Added without the agent URL and token: the fence is SQL-only.
  await fillPairClusterForm(page, clusterName, p);
  await page.getByTestId("cluster-submit").click();
  await expect(page).toHaveURL(/\/clusters\/[0-9a-f-]{36}$/, { timeout: 20_000 });
  const clusterUrl = new URL(page.url()).pathname;

  const primary = p.routedTo() ?? "a";
  const standby = primary === "a" ? "b" : "a";
  await expect(memberCard(page, primary)).toHaveAttribute("data-role", "primary", { timeout: 60_000 });
  await expect(memberCard(page, standby)).toHaveAttribute("data-role", "standby", { timeout: 60_000 });
  await expect(memberCard(page, standby)).toContainText(/streaming/i);

  // The operator requests the switchover through the dialog.
  const ctx = await browser.newContext();
  try {
    const op = await ctx.newPage();
    await signIn(op, opEmail, opPassword);
    await op.goto(clusterUrl);
    await op.getByTestId("switchover-button").click();
    const dialog = op.getByTestId("operation-dialog");
    await expect(dialog.getByTestId("preflight-verdict")).toHaveAttribute("data-ok", "true", { timeout: 30_000 });
    await expect(dialog.getByTestId("op-candidate")).toHaveValue(standby);
    await dialog.getByTestId("op-reason").fill("e2e: switchover without an agent, the rejoin is left to a person");
    await dialog.getByTestId("op-confirm-name").fill(clusterName);
    await expect(dialog.getByTestId("op-submit")).toBeEnabled();
    await dialog.getByTestId("op-submit").click();

    // Fenced, promoted, then parked at the rejoin.
    await expect(op).toHaveURL(/\/clusters\/operations\/[0-9a-f-]{36}$/, { timeout: 20_000 });
    const operationId = new URL(op.url()).pathname.split("/").pop() ?? "";
    await expect(op.getByTestId("operation-page")).toHaveAttribute("data-status", "needs_attention", { timeout: 180_000 });
    await expect(op.getByTestId("operation-status")).toHaveAttribute("data-status", "needs_attention");
    await expect(op.getByTestId("operation-status")).toHaveText("Needs attention");
    const rejoinMessage = new RegExp(`promoted ${standby}; ${primary} is fenced read-only — rejoin it as a standby of ${standby}`);
    await expect(op.getByTestId("operation-error")).toContainText("Needs attention:");
    await expect(op.getByTestId("operation-error")).toContainText(rejoinMessage);
    const step = (name: string) => op.locator(`[data-testid="step"][data-step="${name}"]`);
    await expect(step("fence")).toHaveAttribute("data-status", "ok");
    await expect(step("fence").getByTestId("step-result")).toContainText(`${primary} is read-only`);
    await expect(step("promote")).toHaveAttribute("data-status", "ok");
    await expect(step("rejoin")).toHaveAttribute("data-status", "failed");
    await expect(step("rejoin").getByTestId("step-result")).toContainText(rejoinMessage);
    await expect(step("verify")).toHaveCount(0);
    await expect(op.getByTestId("resolve-operation")).toHaveCount(0);

    // The cluster page: the banner with the error, the candidate is the writable primary, the old one fenced.
    await op.getByTestId("back-to-cluster").click();
    const banner = op.getByTestId("active-operation-banner");
    await expect(banner).toHaveAttribute("data-status", "needs_attention");
    await expect(banner.getByTestId("needs-attention-error")).toContainText(rejoinMessage);
    await expect(memberCard(op, standby)).toHaveAttribute("data-role", "primary", { timeout: 60_000 });
    await expect(memberCard(op, primary)).toContainText("read-only", { timeout: 60_000 });
    await expect(op.getByTestId("cluster-primary")).toHaveText(standby);
    await expect(op.getByTestId("resolve-operation")).toHaveCount(0);
    await expect(op.locator('[data-testid="operation-row"]').first()).toHaveAttribute("data-status", "needs_attention");
    // The row keeps a few lines of the message; the whole of it is in the banner and the row's tooltip.
    await expect(op.getByTestId("operation-row-error")).toHaveAttribute("title", rejoinMessage);

    // The parked operation holds the cluster: a new switchover is refused by its preflight.
    await op.getByTestId("switchover-button").click();
    await expect(dialog.locator('[data-check="no_running_operation"]')).toHaveAttribute("data-ok", "false", { timeout: 30_000 });
    await expect(dialog.locator('[data-check="no_running_operation"]')).toContainText("No other operation on this cluster");
    await expect(dialog.locator('[data-check="no_running_operation"]')).toContainText(operationId);
    await expect(dialog.getByTestId("preflight-verdict")).toHaveAttribute("data-ok", "false");
    await expect(dialog.getByTestId("op-submit")).toBeDisabled();
    await op.keyboard.press("Escape");
    await expect(dialog).toBeHidden();

    // The admin resolves it from the banner.
    await page.goto(clusterUrl);
    await expect(page.getByTestId("active-operation-banner")).toHaveAttribute("data-status", "needs_attention");
    await expect(page.getByTestId("needs-attention-error")).toContainText(rejoinMessage);
    await expect(page.getByTestId("cluster-primary")).toHaveText(standby);
    await page.screenshot({ path: `${shotsDir}/cluster-needs-attention.png`, fullPage: true });
    await page.getByTestId("active-operation-banner").getByTestId("resolve-operation").click();
    // Every OperationActions (the banner, the history row) renders its own closed dialog: take the open one.
    const resolve = page.getByRole("dialog", { name: "Resolve the operation" });
    await expect(resolve).toBeVisible();
    await resolve.getByTestId("resolve-note").fill("too short");
    await resolve.getByTestId("resolve-submit").click();
    await expect(resolve).toContainText("Say what you checked in at least 10 characters");
    await expect(page.getByTestId("active-operation-banner")).toBeVisible();
    const note = `Rejoined ${primary} by hand as a standby of ${standby} and reset default_transaction_read_only.`;
    await resolve.getByLabel(/The primary moved/).check();
    await resolve.getByTestId("resolve-note").fill(note);
    await page.screenshot({ path: `${shotsDir}/cluster-resolve-dialog.png`, fullPage: true });
    await resolve.getByTestId("resolve-submit").click();
    await expect(resolve).toBeHidden({ timeout: 20_000 });
    await expect(page.getByTestId("active-operation-banner")).toHaveCount(0, { timeout: 20_000 });
    const row = page.locator(`[data-testid="operation-row"]`).filter({ has: page.locator(`a[href$="${operationId}"]`) });
    await expect(row).toHaveAttribute("data-status", "succeeded");
    await expect(row.getByTestId("resolve-operation")).toHaveCount(0);

    // The operation page now reads resolved; the audit log has the resolution.
    await page.goto(`/clusters/operations/${operationId}`);
    await expect(page.getByTestId("operation-page")).toHaveAttribute("data-status", "succeeded");
    await page.goto("/audit");
    const audit = page.locator('[data-testid="audit-row"][data-action="operation.resolved"]').filter({ has: page.locator(`[title="${operationId}"]`) });
    await expect(audit).toHaveCount(1);
    await expect(audit).toContainText(admin.email);
  } finally {
    await ctx.close();
  }
});
