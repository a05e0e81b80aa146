import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    // One real PostgreSQL for the run (test/global-setup.ts); every test file gets its own database.
    globalSetup: ["test/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      // LOG_LEVEL must be one server/config/env.ts accepts ("silent" is not).
      LOG_LEVEL: "fatal",
      LOG_FORMAT: "json",
      BULWARK_ROLE: "bulwark-test",
      NEXT_TELEMETRY_DISABLED: "1",
      BULWARK_ENCRYPTION_KEY: "test-encryption-key-not-secret",
    },
  },
});
