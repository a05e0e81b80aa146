import { z } from "zod";
import { cursorPattern } from "./event-cursor";

/** Everything that travels on the `bulwark_events` channel. Payloads stay tiny (ids, not rows). */
export const LIVE_CHANNEL = "bulwark_events";

export const liveMessage = z.discriminatedUnion("k", [
  z.object({ k: z.literal("event"), id: z.number().int(), type: z.string(), topic: z.string() }),
  z.object({ k: z.literal("heartbeat"), workerId: z.string(), status: z.string(), at: z.string() }),
  z.object({ k: z.literal("audit"), id: z.number().int() }),
]);
export type LiveMessage = z.infer<typeof liveMessage>;

export type LiveEvent = { id: number; type: string; topic: string; payload: Record<string, unknown>; createdAt: Date };

export const liveEventsInput = z.object({
  /** exact topics or prefixes ending in `*`, e.g. `cluster:*`; empty means all */
  topics: z.array(z.string().min(1).max(100)).max(20).optional(),
  /** set by the client on reconnect (the last tracked id it saw): what it missed is replayed first */
  lastEventId: z.string().max(4000).regex(cursorPattern, "Not an event cursor").nullish(),
});

export function topicMatches(patterns: readonly string[] | undefined, topic: string): boolean {
  if (!patterns || patterns.length === 0) return true;
  return patterns.some((p) => (p.endsWith("*") ? topic.startsWith(p.slice(0, -1)) : p === topic));
}
