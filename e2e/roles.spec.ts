import { admin, expect, mainNav, shotsDir, signIn, test, trpcMutation } from "./fixtures";

test("a viewer sees no admin actions and the API refuses their mutations", async ({ page, browser }) => {
  await signIn(page, admin.email, admin.password);
  const email = `viewer-${Date.now()}@example.com`;
  const password = "viewer-password-123";
  const created = await trpcMutation(page.request, "users.create", { email, name: "Vera Viewer", role: "viewer", password });
  expect(created.status).toBe(200);

  const ctx = await browser.newContext();
  const viewer = await ctx.newPage();
  await signIn(viewer, email, password);
  await mainNav(viewer).getByRole("link", { name: "Settings", exact: true }).click();
  await expect(viewer.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  await expect(viewer.getByTestId("account-section")).toContainText(email);
  await expect(viewer.getByTestId("account-section").getByTestId("role-badge")).toHaveText(/viewer/);
  await expect(viewer.getByRole("link", { name: "Users" })).toHaveCount(0);
  await expect(viewer.getByTestId("add-user-toggle")).toHaveCount(0);
  await viewer.screenshot({ path: `${shotsDir}/settings-viewer.png`, fullPage: true });
  // Even the direct address shows no admin controls.
  await viewer.goto("/settings/users");
  await expect(viewer.getByTestId("users-forbidden")).toBeVisible();
  await expect(viewer.getByTestId("users-table")).toHaveCount(0);

  const denied = await trpcMutation(viewer.request, "users.create", { email: "x@example.com", name: "X", role: "admin" });
  expect(denied.status).toBe(403);
  await ctx.close();
});

test("admin adds a user in the UI and sees the one-time password once; the audit log shows it", async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  await page.goto("/settings/users");
  await page.getByTestId("add-user-toggle").click();
  const email = `op-${Date.now()}@example.com`;
  const form = page.getByTestId("add-user-form");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Name").fill("Otto Operator");
  await form.getByLabel("Role", { exact: true }).selectOption("operator");
  await page.getByTestId("add-user-submit").click();
  await expect(page.getByTestId("one-time-password-value")).toHaveText(/^\S{20}$/);
  await expect(page.locator(`[data-testid="user-row"][data-email="${email}"]`)).toBeVisible();
  await page.screenshot({ path: `${shotsDir}/settings-admin-new-user.png`, fullPage: true });

  await mainNav(page).getByRole("link", { name: "Audit log", exact: true }).click();
  const row = page.getByTestId("audit-row").filter({ hasText: "user.create" }).filter({ hasText: email });
  await expect(row).toHaveCount(1);
});

test("a rejected form input shows the field error and creates nothing", async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  const bad = await trpcMutation(page.request, "users.create", { email: "not-an-email", name: "", role: "admin" });
  expect(bad.status).toBe(400);
  const err = bad.body.error as { json: { data: { fieldErrors: Record<string, string[]> } } };
  expect(Object.keys(err.json.data.fieldErrors)).toEqual(expect.arrayContaining(["email", "name"]));
});
