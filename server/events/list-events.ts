import { and, asc, gt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { events } from "@/db/schema";
import type { LiveEvent } from "./live-types";

/** Catch-up read for a subscriber that reconnects: events after `afterId`, oldest first. */
export async function eventsAfter(db: Db, afterId: number, limit = 500): Promise<LiveEvent[]> {
  return db
    .select({ id: events.id, type: events.type, topic: events.topic, payload: events.payload, createdAt: events.createdAt })
    .from(events)
    .where(and(gt(events.id, afterId)))
    .orderBy(asc(events.id))
    .limit(limit);
}
