import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { advisoryLocks } from "./advisory-locks";
import { createDb } from "./client";

const here = path.dirname(fileURLToPath(import.meta.url));
export const migrationsFolder = path.join(here, "migrations");

/** Every replica that migrates takes this advisory lock first. */
const MIGRATION_LOCK = advisoryLocks.migrations;

export async function runMigrations(url: string): Promise<void> {
  const h = createDb(url, 1);
  try {
    // One connection (max 1), so the session lock covers every statement of the migration.
    await h.sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      await migrate(h.db, { migrationsFolder });
    } finally {
      await h.sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    await h.sql.end({ timeout: 5 });
  }
}
