import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { admin, expect, mainNav, shotsDir, signIn, test } from "./fixtures";

const stamp = Date.now();
const sloName = `e2e checkout push ${stamp}`;
const service = `e2e-slo-${stamp}`;
const importedKey = `e2e-imported-${stamp}`;

const openSlo = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${importedKey}
  displayName: Imported checkout latency ${stamp}
  annotations:
    example.com/team: payments
spec:
  service: ${service}
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  indicator:
    metadata:
      name: checkout-ratio
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              url: http://127.0.0.1:9
              query: sum(increase(http_requests_total{code!~"5.."}[1m]))
        total:
          metricSource:
            type: Prometheus
            spec:
              url: http://127.0.0.1:9
              query: sum(increase(http_requests_total[1m]))
  objectives:
    - target: 0.995
`;

const row = (page: Page, name: string) => page.locator(`[data-testid="slo-row"][data-slo="${name}"]`);

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${shotsDir}/${name}.png`, fullPage: true });
}

test.describe.serial("SLOs", () => {
  test("define a pushed SLO through the form: bad input first, then no data in the list and on its page", async ({ page }) => {
    await signIn(page, admin.email, admin.password);
    await mainNav(page).getByRole("link", { name: "SLOs", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "SLOs" })).toBeVisible();
    await shot(page, "slos-list-empty");
    await page.getByTestId("new-slo").click();
    await expect(page).toHaveURL(/\/slos\/new$/);

    await page.getByTestId("field-name").fill(sloName);
    await page.getByTestId("field-service").fill(service);
    await page.getByTestId("source-push").check();
    await expect(page.getByTestId("push-key")).toHaveText(`e2e-checkout-push-${stamp}`);

    // Bad input: a 100 % objective and a 0-day window, each with its own message, focus on the first.
    await page.getByTestId("field-objective").fill("100");
    await page.getByTestId("field-window-days").fill("0");
    await page.getByTestId("slo-submit").click();
    const objectiveError = page.locator("#slo-objective-error");
    await expect(objectiveError).toContainText("below 100 %");
    await expect(page.locator("#slo-window-days-error")).toContainText("at least 1 day");
    await expect(page.getByTestId("field-objective")).toBeFocused();
    await expect(page.getByTestId("field-objective")).toHaveAttribute("aria-invalid", "true");
    await expect(page).toHaveURL(/\/slos\/new$/);
    await shot(page, "slo-form-errors");

    // Fixed: 99.5 % over 28 days (a shortcut), and the preview answers for the valid values.
    await page.getByTestId("field-objective").fill("99.5");
    await page.getByRole("button", { name: "28 days" }).click();
    await expect(page.getByTestId("field-window-days")).toHaveValue("28");
    await expect(objectiveError).toHaveCount(0);
    await expect(page.getByTestId("preview-7d")).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId("preview-30d")).toContainText("—");
    await expect(page.getByTestId("preview-note")).toBeVisible();
    await shot(page, "slo-form-preview");

    // Enter in a text field submits.
    await page.getByTestId("field-owner").fill("team-payments");
    await page.getByTestId("field-owner").press("Enter");
    await expect(page).toHaveURL(/\/slos\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("slo-page")).toHaveAttribute("data-state", "no_data");
    await expect(page.getByTestId("slo-state")).toHaveText("No data");
    await expect(page.getByTestId("budget-remaining")).toHaveText("No data");
    await expect(page.getByTestId("slo-key")).toHaveText(`e2e-checkout-push-${stamp}`);
    await shot(page, "slo-detail");

    // The list: the new SLO with no data, not 100 % and not 0 %.
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "SLOs" }).click();
    await expect(row(page, sloName)).toHaveAttribute("data-state", "no_data");
    await expect(row(page, sloName).getByTestId("slo-sli")).toHaveText("—");
    await expect(row(page, sloName).getByTestId("slo-state")).toHaveText("No data");
    await shot(page, "slos-list");
  });

  test("add and remove a budget adjustment", async ({ page }) => {
    await signIn(page, admin.email, admin.password);
    await page.goto("/slos");
    await row(page, sloName).getByRole("link", { name: sloName }).click();
    await expect(page.getByTestId("slo-page")).toBeVisible();

    // Bad first: a reason too short, the end before the start.
    await page.getByTestId("add-adjustment").click();
    const dialog = page.getByTestId("adjustment-dialog");
    await expect(dialog).toBeVisible();
    await page.getByTestId("adjustment-start").fill("2024-06-01T12:00");
    await page.getByTestId("adjustment-end").fill("2024-06-01T10:00");
    await page.getByTestId("adjustment-reason").fill("x");
    await page.getByTestId("adjustment-submit").click();
    await expect(dialog).toContainText("End must be after start");
    await expect(dialog).toContainText("Say why this time is excluded");

    await page.getByTestId("adjustment-end").fill("2024-06-01T13:30");
    await page.getByTestId("adjustment-reason").fill("planned failover drill");
    await shot(page, "slo-adjustment-dialog");
    await page.getByTestId("adjustment-submit").click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("adjustment")).toHaveCount(1);
    await expect(page.getByTestId("adjustment")).toContainText("planned failover drill");
    await expect(page.locator('[data-testid="timeline-item"][data-kind="adjustment"]')).toHaveCount(1);
    await shot(page, "slo-detail-adjustment");

    await page.getByTestId("remove-adjustment").click();
    await expect(page.getByTestId("remove-adjustment-dialog")).toContainText("planned failover drill");
    await page.getByTestId("remove-adjustment-dialog").getByTestId("confirm-action").click();
    await expect(page.getByTestId("adjustment")).toHaveCount(0);
  });

  test("create an API token in settings: the plain token is shown once", async ({ page }) => {
    await signIn(page, admin.email, admin.password);
    await page.goto("/slos");
    await page.getByTestId("slo-settings-link").click();
    await expect(page.getByRole("heading", { level: 1, name: "SLO settings" })).toBeVisible();

    await page.getByTestId("new-token").click();
    await page.getByTestId("token-service").fill(service);
    await page.getByTestId("token-name").fill("e2e deploy job");
    await page.getByTestId("token-submit").click();
    const once = page.getByTestId("token-once");
    await expect(once).toBeVisible();
    const token = (await page.getByTestId("token-value").textContent())?.trim() ?? "";
    expect(token.length).toBeGreaterThan(20);
    await shot(page, "slo-token-once");
    await once.getByRole("button", { name: "Done — I saved it" }).click();
    await expect(once).toBeHidden();

    const tokenRow = page.locator('[data-testid="token-row"][data-token="e2e deploy job"]');
    await expect(tokenRow).toBeVisible();
    // Only the prefix is listed, never the token.
    await expect(page.getByTestId("tokens-card")).not.toContainText(token);
    await expect(tokenRow).toContainText(token.slice(0, 6));

    // The gate check for this service: no policy, so deploys are allowed.
    await page.getByTestId("gate-service").selectOption(service);
    await expect(page.getByTestId("gate-check-answer")).toHaveAttribute("data-allowed", "true");
    await expect(page.getByTestId("gate-curl")).toContainText(`/api/v1/gate?service=${service}`);
    await shot(page, "slo-settings");
  });

  test("import OpenSLO YAML with a dry run first", async ({ page }) => {
    await signIn(page, admin.email, admin.password);
    await page.goto("/slos");
    await page.getByTestId("import-openslo").click();
    const dialog = page.getByTestId("openslo-import-dialog");
    await expect(page.getByTestId("openslo-import")).toBeDisabled();

    // Malformed YAML: an error, nothing written.
    await page.getByTestId("openslo-text").fill("kind: SLO\nspec: [unclosed");
    await page.getByTestId("openslo-dry-run").click();
    await expect(page.getByTestId("openslo-import-error")).toBeVisible();
    await expect(page.getByTestId("openslo-import")).toBeDisabled();

    await page.getByTestId("openslo-text").fill(openSlo);
    await page.getByTestId("openslo-dry-run").click();
    await expect(page.getByTestId("openslo-dry-run-report")).toBeVisible();
    await expect(page.getByTestId("openslo-dry-run-slo")).toHaveCount(1);
    await expect(page.getByTestId("openslo-dry-run-slo")).toContainText(importedKey);
    await expect(page.getByTestId("openslo-unsupported")).toContainText("metadata.annotations.example.com/team");
    await shot(page, "slo-import-dry-run");
    // A dry run writes nothing.
    await expect(page.locator(`[data-testid="slo-row"][data-slo="Imported checkout latency ${stamp}"]`)).toHaveCount(0);

    await page.getByTestId("openslo-import").click();
    await expect(page.getByTestId("openslo-import-done")).toContainText("1 created");
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(row(page, `Imported checkout latency ${stamp}`)).toBeVisible();
  });

  test("the other SLO pages render: report, SLA tiers, dark mode", async ({ page }) => {
    await signIn(page, admin.email, admin.password);
    await page.goto("/slos");
    await page.getByTestId("slo-report-link").click();
    await expect(page.getByRole("heading", { level: 1, name: "Monthly SLO report" })).toBeVisible();
    await page.getByTestId("report-service").selectOption(service);
    await expect(page.getByTestId("report-row")).toHaveCount(2);
    await shot(page, "slo-report");
    // The CSV download carries the service's SLOs, one line each after the header.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("report-csv").click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^slo-report-.*\\.csv$`));
    const lines = readFileSync(await download.path(), "utf8").trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^service,month,slo_key,slo_name,objective_pct/);
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.includes(sloName))).toBe(true);

    await page.goto("/slos/sla-tiers");
    await expect(page.locator(`[data-testid="sla-slo-row"][data-slo="${sloName}"] [data-testid="sla-slo-tier"]`)).toHaveText("no data");
    await shot(page, "slo-sla-tiers");

    await page.evaluate(() => localStorage.setItem("bulwark-theme", "dark"));
    await page.goto("/slos");
    await expect(row(page, sloName)).toBeVisible();
    await shot(page, "slos-list-dark");
    await row(page, sloName).getByRole("link", { name: sloName }).click();
    await expect(page.getByTestId("slo-page")).toBeVisible();
    await shot(page, "slo-detail-dark");
    await page.goto("/slos/new");
    await expect(page.getByTestId("slo-form")).toBeVisible();
    await shot(page, "slo-form-dark");
    await page.evaluate(() => localStorage.removeItem("bulwark-theme"));
  });

  test("an admin deletes an SLO only after typing its name", async ({ page }) => {
    await signIn(page, admin.email, admin.password);
    await page.goto("/slos");
    await row(page, sloName).getByRole("link", { name: sloName }).click();
    await page.getByTestId("delete-slo").click();
    const confirm = page.getByTestId("confirm-action");
    await expect(confirm).toBeDisabled();
    await page.getByTestId("confirm-typed-input").fill("not the name");
    await expect(confirm).toBeDisabled();
    await page.getByTestId("confirm-typed-input").fill(sloName);
    await confirm.click();
    await expect(page).toHaveURL(/\/slos$/);
    await expect(row(page, sloName)).toHaveCount(0);
  });
});
