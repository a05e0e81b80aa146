/**
 * `npm test`: builds the app if the build is missing or older than the source,
 * runs the integration tests (vitest, real PostgreSQL) and the browser tests
 * (Playwright, Debian Chromium), and ends with one line: `N passed, N failed`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = process.cwd();
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
mkdirSync(path.join(root, "artifacts"), { recursive: true });

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of readdirSync(p)) {
    if (e === "node_modules" || e.startsWith(".")) continue;
    max = Math.max(max, newestMtime(path.join(p, e)));
  }
  return max;
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): number {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env } });
  return r.status ?? 1;
}

const buildId = path.join(root, ".next", "BUILD_ID");
const sources = ["app", "components", "server", "db", "proxy.ts", "next.config.js", "package-lock.json"].map((p) => path.join(root, p));
const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
if (built === 0 || Math.max(...sources.map(newestMtime)) > built) {
  console.log(built ? "\nSource changed since the last build: running next build\n" : "\nNo build yet: running next build\n");
  if (run(bin("next"), ["build"]) !== 0) {
    console.log("\n0 passed, 1 failed (next build failed)");
    process.exit(1);
  }
}

type Counts = { passed: number; failed: number };

function vitestCounts(file: string): Counts | null {
  if (!existsSync(file)) return null;
  const j = JSON.parse(readFileSync(file, "utf8")) as { numPassedTests: number; numFailedTests: number; numTotalTestSuites: number; numFailedTestSuites: number };
  // A file that fails to load has no tests but counts as a failure.
  return { passed: j.numPassedTests, failed: j.numFailedTests + (j.numFailedTests === 0 ? j.numFailedTestSuites : 0) };
}

function playwrightCounts(file: string): Counts | null {
  if (!existsSync(file)) return null;
  const j = JSON.parse(readFileSync(file, "utf8")) as { stats: { expected: number; unexpected: number; flaky: number }; errors?: unknown[] };
  return { passed: j.stats.expected + j.stats.flaky, failed: j.stats.unexpected + (j.errors?.length ?? 0) };
}

const vitestJson = path.join(root, "artifacts", "vitest.json");
const pwJson = path.join(root, "artifacts", "playwright.json");
for (const f of [vitestJson, pwJson]) if (existsSync(f)) spawnSync("rm", ["-f", f]);

const unitCode = run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile=${vitestJson}`]);
const e2eCode = run(bin("playwright"), ["test"]);

const parts = [vitestCounts(vitestJson), playwrightCounts(pwJson)];
let passed = 0;
let failed = 0;
for (const [i, c] of parts.entries()) {
  if (!c) {
    failed += 1; // the runner died before reporting anything
    console.log(`${i === 0 ? "vitest" : "playwright"} produced no report`);
    continue;
  }
  passed += c.passed;
  failed += c.failed;
}
if (failed === 0 && (unitCode !== 0 || e2eCode !== 0)) failed = 1; // a runner failed outside any test
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
