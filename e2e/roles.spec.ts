import { admin, expect, shotsDir, signIn, test, trpcMutation } from "./fixtures";

test("a viewer sees no admin actions and the API refuses their mutations", async ({ page, browser }) => {
  await signIn(page, admin.email, admin.password);
  const email = `viewer-${Date.now()}@example.com`;
  const password = "viewer-password-123";
  const created = await trpcMutation(page.request, "users.create", { email, name: "Vera Viewer", role: "viewer", password });
  expect(created.status).toBe(200);

  const ctx = await browser.newContext();
  const viewer = await ctx.newPage();
  await signIn(viewer, email, password);
  await viewer.getByRole("navigation").getByRole("link", { name: "Settings", exact: true }).click();
  await expect(viewer.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  await expect(viewer.getByText(email)).toBeVisible();
  await expect(viewer.getByRole("button", { name: /add user/i })).toHaveCount(0);
  await expect(viewer.getByRole("heading", { name: /^users$/i })).toHaveCount(0);
  await viewer.screenshot({ path: `${shotsDir}/settings-viewer.png`, fullPage: true });

  const denied = await trpcMutation(viewer.request, "users.create", { email: "x@example.com", name: "X", role: "admin" });
  expect(denied.status).toBe(403);
  await ctx.close();
});

test("admin adds a user in the UI and sees the one-time password once; the audit log shows it", async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  await page.getByRole("navigation").getByRole("link", { name: "Settings", exact: true }).click();
  await page.getByRole("button", { name: /add user/i }).click();
  const email = `op-${Date.now()}@example.com`;
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByLabel("Name").fill("Otto Operator");
  await dialog.getByLabel("Role").selectOption("operator");
  await dialog.getByRole("button", { name: /create|add/i }).click();
  await expect(page.getByText(/one-time password/i).first()).toBeVisible();
  await page.screenshot({ path: `${shotsDir}/settings-admin-new-user.png`, fullPage: true });

  await page.getByRole("navigation").getByRole("link", { name: "Audit log", exact: true }).click();
  await expect(page.getByRole("cell", { name: "user.create" }).first()).toBeVisible();
  await expect(page.getByText(email).first()).toBeVisible();
});

test("a rejected form input shows the field error and creates nothing", async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  const bad = await trpcMutation(page.request, "users.create", { email: "not-an-email", name: "", role: "admin" });
  expect(bad.status).toBe(400);
  const err = bad.body.error as { json: { data: { fieldErrors: Record<string, string[]> } } };
  expect(Object.keys(err.json.data.fieldErrors)).toEqual(expect.arrayContaining(["email", "name"]));
});
