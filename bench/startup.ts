/**
 * Time from `npm start` to `/api/health/ready` = 200: once on an empty data
 * directory (initdb, migrations, seed) and then on restarts of the same
 * directory. Uses the existing Next build (built first if missing, not timed).
 * Prints one JSON line last.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pickPort } from "../server/supervisor/free-port";
import { alive } from "./harness";

const RESTARTS = Number(process.env.BENCH_RESTARTS ?? 3);

if (!existsSync(path.join(process.env.BULWARK_NEXT_DIST || ".next", "BUILD_ID"))) {
  console.error("no build yet: running next build (not timed)");
  spawnSync("npx", ["next", "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), "bulwark-bench-"));
const port = await pickPort(3400);

async function untilReady(child: ChildProcess, t0: number): Promise<number> {
  const url = `http://127.0.0.1:${port}/api/health/ready`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 180_000) throw new Error("not ready after 180 s");
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function once(): Promise<{ readyMs: number; stopMs: number }> {
  const t0 = performance.now();
  const child = spawn("npm", ["start", "--", "--no-lab"], {
    env: { ...process.env, BULWARK_DATA_DIR: dataDir, PORT: String(port), LOG_FORMAT: "json", LOG_LEVEL: "warn", BULWARK_ADMIN_PASSWORD: "bench-password-123" },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  const readyMs = await untilReady(child, t0);
  const t1 = performance.now();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Like Ctrl-C in a terminal: the whole process group gets the signal. Wait for the
  // supervisor itself (not just npm) so the next start finds PostgreSQL stopped.
  const supervisorPid = Number(JSON.parse(readFileSync(path.join(dataDir, "run.json"), "utf8")).supervisor);
  process.kill(-child.pid!, "SIGINT");
  await exited;
  while (alive(supervisorPid)) await new Promise((r) => setTimeout(r, 10));
  return { readyMs, stopMs: performance.now() - t1 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

try {
  const first = await once();
  console.error(`first start: ${Math.round(first.readyMs)} ms`);
  const restarts: { readyMs: number; stopMs: number }[] = [];
  for (let i = 0; i < RESTARTS; i++) {
    const r = await once();
    restarts.push(r);
    console.error(`restart ${i + 1}: ${Math.round(r.readyMs)} ms`);
  }
  console.log(
    JSON.stringify({
      bench: "startup",
      first_start_ms: Math.round(first.readyMs),
      restart_ms: Math.round(median(restarts.map((r) => r.readyMs))),
      restart_runs_ms: restarts.map((r) => Math.round(r.readyMs)),
      shutdown_ms: Math.round(median([first, ...restarts].map((r) => r.stopMs))),
      cores: os.cpus().length,
    }),
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
