import { events } from "@/db/schema";
import type { Sql, TransactionSql } from "postgres";
import type { Tx } from "@/db/client";

export type EventEntry = { type: string; topic: string; payload?: Record<string, unknown> };

/** Writes an outbox row; its insert trigger NOTIFYs listeners when the transaction commits. */
export async function emitEvent(tx: Tx, entry: EventEntry): Promise<number> {
  const [row] = await tx.insert(events).values({ type: entry.type, topic: entry.topic, payload: entry.payload ?? {} }).returning({ id: events.id });
  if (!row) throw new Error("outbox insert returned no row");
  return row.id;
}

/**
 * Outbox rows in one multi-row insert (emitEvent writes one row per round
 * trip; a fleet-wide outage produces thousands at once). Same table, same
 * NOTIFY trigger.
 */
export async function emitEvents(tx: TransactionSql | Sql, topic: string, types: string[], payloads: string[]): Promise<void> {
  await tx`
    insert into events (type, topic, payload)
    select t, ${topic}, p from unnest(${types}::text[], ${payloads}::text[]::jsonb[]) with ordinality as u(t, p, n) order by n`;
}
