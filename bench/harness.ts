/**
 * Shared by the browser benchmarks: a real `npm start --no-lab` on a temporary
 * data directory and a free port, Debian's Chromium signed in as the admin, a
 * tRPC caller with that session, and percentiles.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Browser, type BrowserContext, chromium } from "@playwright/test";
import superjson from "superjson";
import { pickPort } from "../server/supervisor/free-port";

export const ADMIN = { email: "bench@bulwark.local", password: "bench-admin-password-1" };

/** Builds into BULWARK_NEXT_DIST (default .next) when no build is there; not timed. Next rewrites tsconfig.json: put it back. */
export function ensureBuild(): void {
  const dist = process.env.BULWARK_NEXT_DIST || ".next";
  if (existsSync(path.join(dist, "BUILD_ID"))) return;
  console.error(`no build in ${dist}: running next build (not timed)`);
  const tsconfig = readFileSync("tsconfig.json", "utf8");
  const r = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  writeFileSync("tsconfig.json", tsconfig);
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
}

export type Bulwark = { baseUrl: string; dbUrl: string; dataDir: string; stop: () => Promise<void> };

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The supervisor exactly as `npm start -- --no-lab` runs it, in its own process group. */
export async function startBulwark(): Promise<Bulwark> {
  ensureBuild();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "bulwark-bench-"));
  const port = await pickPort(3500);
  const baseUrl = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/supervisor/main.ts", "--no-lab"], {
    env: {
      ...process.env,
      BULWARK_DATA_DIR: dataDir,
      PORT: String(port),
      LOG_FORMAT: "json",
      LOG_LEVEL: "warn",
      BULWARK_ADMIN_EMAIL: ADMIN.email,
      BULWARK_ADMIN_PASSWORD: ADMIN.password,
      NEXTAUTH_URL: baseUrl,
    },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      process.kill(-child.pid, "SIGINT");
      await exited;
      while (child.pid && alive(child.pid)) await new Promise((r) => setTimeout(r, 20));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the supervisor exited with ${child.exitCode}`);
      const ok = await fetch(`${baseUrl}/api/health/ready`, { signal: AbortSignal.timeout(1000) }).then((r) => r.status === 200, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error("not ready after 180 s");
      await new Promise((r) => setTimeout(r, 100));
    }
    const meta = JSON.parse(readFileSync(path.join(dataDir, "pg.json"), "utf8")) as { port: number; password: string };
    const dbUrl = `postgres://postgres:${encodeURIComponent(meta.password)}@127.0.0.1:${meta.port}/bulwark`;
    return { baseUrl, dbUrl, dataDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
  });
}

/** Signs in through the real login form; the context then carries the session cookie. */
export async function signedInContext(browser: Browser, baseUrl: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1440, height: 900 } });
  // tsx (esbuild keepNames) wraps named functions in `__name(…)`; functions passed to page.evaluate carry that call into the page.
  await context.addInitScript({ content: "globalThis.__name = (f) => f;" });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByTestId("login-submit").click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"), { timeout: 30_000 });
  await page.close();
  return context;
}

/** tRPC over HTTP with the browser's session cookie (superjson envelope), as the web client sends it. */
export async function trpcCaller(context: BrowserContext, baseUrl: string) {
  const cookie = (await context.cookies(baseUrl)).map((c) => `${c.name}=${c.value}`).join("; ");
  const unwrap = async (res: Response, procedure: string): Promise<unknown> => {
    const body = (await res.json()) as { result?: { data: { json: unknown; meta?: unknown } }; error?: { json?: { message?: string } } };
    if (!res.ok || !body.result) throw new Error(`${procedure}: HTTP ${res.status} ${body.error?.json?.message ?? ""}`);
    return superjson.deserialize(body.result.data as Parameters<typeof superjson.deserialize>[0]);
  };
  return {
    cookie,
    async mutate<T>(procedure: string, input: unknown): Promise<T> {
      const res = await fetch(`${baseUrl}/api/trpc/${procedure}`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify(superjson.serialize(input)),
      });
      return (await unwrap(res, procedure)) as T;
    },
    async query<T>(procedure: string): Promise<T> {
      return (await unwrap(await fetch(`${baseUrl}/api/trpc/${procedure}`, { headers: { cookie } }), procedure)) as T;
    },
  };
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
