import { closeDb } from "@/db/client";
import type { LiveBus } from "@/server/events/live-bus";

/**
 * liveBus() and getDb() read process.env.DATABASE_URL lazily and cache on
 * globalThis; point them at this file's database before first use.
 */
export function useProcessDb(url: string): void {
  process.env.DATABASE_URL = url;
}

/** Stops the process-wide LISTEN bus (if a test started one) and closes the process-wide pool. */
export async function stopProcessDb(): Promise<void> {
  const g = globalThis as unknown as { __bulwarkLiveBus?: Promise<LiveBus> };
  const pending = g.__bulwarkLiveBus;
  g.__bulwarkLiveBus = undefined;
  if (pending) await (await pending.catch(() => undefined))?.stop();
  await closeDb();
  delete process.env.DATABASE_URL;
}
