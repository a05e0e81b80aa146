import { admin, expect, mainNav, shotsDir, signIn, test } from "./fixtures";

const cell = (page: import("@playwright/test").Page, objective: string, period: string) =>
  page.locator(`[data-testid="sla-row"][data-objective="${objective}"] td[data-period="${period}"]`);

test("SLA tiers: allowed downtime per objective, with a custom objective kept in the URL", async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  await mainNav(page).getByRole("link", { name: "SLOs", exact: true }).click();
  // Reached from the SLOs page whether or not SLOs exist yet (other specs may have made some).
  await page.getByRole("link", { name: "SLA tiers: allowed downtime per objective" }).first().click();
  await expect(page).toHaveURL(/\/slos\/sla-tiers$/);
  await expect(page.getByRole("heading", { level: 1, name: "SLA tiers" })).toBeVisible();

  // The common tiers, 30-day month: 99.9 % allows 43.2 minutes.
  await expect(page.getByTestId("sla-row")).toHaveCount(5);
  await expect(cell(page, "99.9%", "month")).toHaveText("43m 12s");
  await expect(cell(page, "99.9%", "day")).toHaveText("1m 26s");
  await expect(cell(page, "99.99%", "year")).toHaveText("52m 36s");

  // A custom objective adds a highlighted row in order, and lands in the URL.
  const input = page.getByLabel("Custom objective");
  await input.fill("99.975");
  const custom = page.locator('[data-testid="sla-row"][data-custom="true"]');
  await expect(custom).toHaveCount(1);
  await expect(custom).toHaveAttribute("data-objective", "99.975%");
  await expect(cell(page, "99.975%", "day")).toHaveText("21.6s");
  await expect(cell(page, "99.975%", "month")).toHaveText("10m 48s");
  await expect(page.getByTestId("sla-row").nth(4)).toHaveAttribute("data-objective", "99.975%");
  await expect(page).toHaveURL(/\?objective=99\.975$/);
  await page.screenshot({ path: `${shotsDir}/sla-tiers.png`, fullPage: true });

  // It survives a reload.
  await page.reload();
  await expect(page.getByLabel("Custom objective")).toHaveValue("99.975");
  await expect(cell(page, "99.975%", "day")).toHaveText("21.6s");

  // 100 % is not an objective: an inline message, the field marked invalid, no custom row.
  await page.getByLabel("Custom objective").fill("100");
  await expect(page.getByTestId("sla-objective-error")).toHaveText("The objective must be greater than 0% and less than 100%.");
  await expect(page.getByLabel("Custom objective")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("sla-row")).toHaveCount(5);
  await page.screenshot({ path: `${shotsDir}/sla-tiers-invalid.png`, fullPage: true });

  // Escape clears it.
  await page.getByLabel("Custom objective").press("Escape");
  await expect(page.getByLabel("Custom objective")).toHaveValue("");
  await expect(page.getByTestId("sla-objective-error")).toHaveCount(0);
  await expect(page).toHaveURL(/\/slos\/sla-tiers$/);
});
