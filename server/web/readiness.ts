import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import journal from "@/db/migrations/meta/_journal.json";
import { loadWorkerRows, summarizeWorkers } from "../events/worker-status";

export type Check = { name: string; ok: boolean; detail: string };
export type Readiness = { ready: boolean; checks: Check[] };

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms).unref())]);

async function database(db: Db): Promise<Check> {
  try {
    await withTimeout(db.execute(sql`select 1`), 2000, "database ping");
    return { name: "database", ok: true, detail: "reachable" };
  } catch (err) {
    return { name: "database", ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

async function migrations(db: Db): Promise<Check> {
  const expected = journal.entries.length;
  try {
    const rows = await withTimeout(db.execute<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`), 2000, "migration check");
    const applied = rows[0]?.n ?? 0;
    return applied >= expected
      ? { name: "migrations", ok: true, detail: `${applied} applied` }
      : { name: "migrations", ok: false, detail: `${applied} of ${expected} applied` };
  } catch (err) {
    return { name: "migrations", ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

async function worker(db: Db, staleMs: number): Promise<Check> {
  try {
    const summary = summarizeWorkers(await loadWorkerRows(db), staleMs);
    const alive = summary.workers.filter((w) => w.alive).length;
    return alive > 0
      ? { name: "worker", ok: true, detail: `${alive} worker(s) with a fresh heartbeat` }
      : { name: "worker", ok: false, detail: summary.state === "unknown" ? "no worker has ever reported" : `no heartbeat within ${staleMs} ms` };
  } catch (err) {
    return { name: "worker", ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

/** Startup: the process can serve (database and schema). Readiness adds a live worker. */
export async function checkStartup(db: Db): Promise<Readiness> {
  const db1 = await database(db);
  const checks = db1.ok ? [db1, await migrations(db)] : [db1];
  return { ready: checks.every((c) => c.ok), checks };
}

export async function checkReadiness(db: Db, staleMs: number): Promise<Readiness> {
  const startup = await checkStartup(db);
  const checks = startup.ready ? [...startup.checks, await worker(db, staleMs)] : startup.checks;
  return { ready: checks.every((c) => c.ok), checks };
}
