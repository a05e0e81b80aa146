import { admin, expect, mainNav, shotsDir, signIn, test } from "./fixtures";

const pages = [
  { link: "Overview", path: "/", heading: "Overview" },
  { link: "Health", path: "/health", heading: "Health" },
  { link: "SLOs", path: "/slos", heading: "SLOs" },
  { link: "Runbooks", path: "/runbooks", heading: "Runbooks" },
  { link: "Drills", path: "/drills", heading: "Drills" },
  { link: "Clusters", path: "/clusters", heading: "Clusters" },
  { link: "Reviews", path: "/reviews", heading: "Reviews" },
  { link: "Incidents", path: "/incidents", heading: "Incidents" },
  { link: "Audit log", path: "/audit", heading: "Audit log" },
  { link: "Settings", path: "/settings", heading: "Settings" },
];

test("signed-out visitors are sent to the login page", async ({ page }) => {
  await page.goto("/health");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByLabel("Email")).toBeVisible();
  await page.screenshot({ path: `${shotsDir}/login.png`, fullPage: true });
});

test("wrong password is refused with a clear message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password", { exact: true }).fill("not-the-password");
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("login-error")).toContainText(/wrong email or password/i);
  await expect(page).toHaveURL(/\/login/);
});

test("admin signs in, visits every page from the sidebar, and signs out", async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  const nav = mainNav(page);
  for (const p of pages) {
    await nav.getByRole("link", { name: p.link, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${p.path === "/" ? "/$" : p.path}`));
    await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
    const name = p.path === "/" ? "overview" : p.path.slice(1).replace(/\//g, "-");
    await page.screenshot({ path: `${shotsDir}/${name}.png`, fullPage: true });
  }
  // Dark theme renders too.
  const before = await page.locator("html").getAttribute("data-theme");
  await page.getByTestId("theme-toggle").click();
  await expect(page.locator("html")).not.toHaveAttribute("data-theme", before ?? "");
  // The choice survives a reload and is applied before paint.
  await page.goto("/");
  await expect(page.locator("html")).not.toHaveAttribute("data-theme", before ?? "");
  await page.screenshot({ path: `${shotsDir}/overview-other-theme.png`, fullPage: true });

  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});
