import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The outbox. A row is written in the same transaction as the change it
 * describes; a trigger NOTIFYs `bulwark_events` with the id on commit, and the
 * web process fans it out to browsers. Consumers that missed a NOTIFY catch up
 * by id.
 */
export const events = pgTable(
  "events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    type: text().notNull(),
    /** what a live view filters on, e.g. `user`, `health`, `cluster:42` */
    topic: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    dispatchedAt: timestamp({ withTimezone: true }),
    attempts: integer().notNull().default(0),
  },
  (t) => [index("events_created_at_idx").on(t.createdAt), index("events_topic_id_idx").on(t.topic, t.id)],
);
