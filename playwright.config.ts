import path from "node:path";
import { defineConfig } from "@playwright/test";

/**
 * End-to-end tests drive Debian's Chromium (no Playwright browser download
 * here) against a real `npm start`: embedded PostgreSQL, web and worker, on
 * their own port and data directory so they never touch a developer's instance.
 */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_DATA_DIR = path.resolve(".bulwark-test/e2e");
export const E2E_ADMIN = { email: "admin@bulwark.local", password: "e2e-admin-password-1" };

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: "artifacts/playwright.json" }]],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
    },
  },
  webServer: {
    command: `rm -rf ${E2E_DATA_DIR} && node --import tsx server/supervisor/main.ts --no-lab`,
    url: `http://127.0.0.1:${E2E_PORT}/api/health/ready`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    env: {
      PORT: String(E2E_PORT),
      BULWARK_DATA_DIR: E2E_DATA_DIR,
      BULWARK_ADMIN_EMAIL: E2E_ADMIN.email,
      BULWARK_ADMIN_PASSWORD: E2E_ADMIN.password,
      LOG_FORMAT: "json",
      LOG_LEVEL: "warn",
      NEXTAUTH_URL: `http://127.0.0.1:${E2E_PORT}`,
      // SLO loops every 2 s instead of 15 s, so the budget e2e waits on minutes completing, not on the loops.
      BULWARK_SLO_EVAL_MS: "2000",
      BULWARK_SLO_SOURCES_MS: "2000",
    },
  },
});
