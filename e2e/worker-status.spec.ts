import { admin, expect, runInfo, shotsDir, signIn, test } from "./fixtures";

test("the shell shows the worker going down and coming back, live", async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  const status = page.getByTestId("worker-status");
  await expect(status).toHaveAttribute("data-state", "up");

  const { worker } = runInfo();
  expect(worker, "supervisor recorded the worker pid").toBeTruthy();
  // SIGSTOP freezes the worker like a hung process: no heartbeat, no goodbye.
  process.kill(worker!, "SIGSTOP");
  try {
    await expect(status).toHaveAttribute("data-state", "down", { timeout: 15_000 });
    await expect(status).toContainText(/down/i);
    await page.screenshot({ path: `${shotsDir}/worker-down.png` });
    // The Health page says its states are stale while no worker checks them.
    await page.goto("/health");
    await expect(page.getByTestId("health-worker-down")).toBeVisible();
  } finally {
    process.kill(worker!, "SIGCONT");
  }
  await expect(status).toHaveAttribute("data-state", "up", { timeout: 15_000 });
  await expect(page.getByTestId("health-worker-down")).toHaveCount(0);
});
