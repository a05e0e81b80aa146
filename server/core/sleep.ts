import { setTimeout as delay } from "node:timers/promises";

/** Waits ms; rejects (AbortError) as soon as the signal aborts, so a stopped run stops waiting. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> => delay(ms, undefined, signal ? { signal } : undefined);
