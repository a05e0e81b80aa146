import { events } from "@/db/schema";
import type { Tx } from "@/db/client";

export type EventEntry = { type: string; topic: string; payload?: Record<string, unknown> };

/** Writes an outbox row; its insert trigger NOTIFYs listeners when the transaction commits. */
export async function emitEvent(tx: Tx, entry: EventEntry): Promise<number> {
  const [row] = await tx.insert(events).values({ type: entry.type, topic: entry.topic, payload: entry.payload ?? {} }).returning({ id: events.id });
  if (!row) throw new Error("outbox insert returned no row");
  return row.id;
}
