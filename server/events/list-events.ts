import { asc, desc, gt, inArray, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { events } from "@/db/schema";
import type { EventCursor } from "./event-cursor";
import type { LiveEvent } from "./live-types";

export const EVENT_BATCH = 500;

/** Events a cursor has not seen: after its last id, or filling one of its gaps. Oldest first. */
export async function eventsSince(db: Db, cursor: EventCursor): Promise<LiveEvent[]> {
  const gaps = cursor.gapIds();
  return db
    .select({ id: events.id, type: events.type, topic: events.topic, payload: events.payload, createdAt: events.createdAt })
    .from(events)
    .where(gaps.length ? or(gt(events.id, cursor.last), inArray(events.id, gaps)) : gt(events.id, cursor.last))
    .orderBy(asc(events.id))
    .limit(EVENT_BATCH);
}

export async function latestEventId(db: Db): Promise<number> {
  const [row] = await db.select({ id: events.id }).from(events).orderBy(desc(events.id)).limit(1);
  return row?.id ?? 0;
}
