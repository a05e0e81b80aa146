import { on } from "node:events";
import { tracked } from "@trpc/server";
import { EventCursor } from "../events/event-cursor";
import { liveBus } from "../events/live-bus";
import { EVENT_BATCH, eventsSince, latestEventId } from "../events/list-events";
import { liveEventsInput, topicMatches } from "../events/live-types";
import { Wakeup } from "../events/wakeup";
import type { WorkerSummary } from "../events/worker-status";
import { router, viewerProcedure } from "../trpc/init";

/** Without news, re-read anyway this often: covers a NOTIFY lost on a LISTEN reconnect. */
const IDLE_POLL_MS = 30_000;
/** While a skipped id may still commit, look for it this often. */
const GAP_POLL_MS = 1_000;

export const liveRouter = router({
  /**
   * Every outbox event as it commits, filtered by topic. NOTIFY only wakes
   * the reader; events are read from the table by cursor, so a reconnecting
   * client (sending its last tracked id) gets exactly what it missed, including
   * events whose transactions committed out of id order.
   */
  events: viewerProcedure.input(liveEventsInput).subscription(async function* ({ ctx, input, signal }) {
    const bus = await liveBus();
    const wake = new Wakeup();
    bus.emitter.on("event", wake.fire);
    bus.emitter.on("reconnect", wake.fire);
    try {
      const cursor = EventCursor.parse(input.lastEventId) ?? new EventCursor(await latestEventId(ctx.db));
      while (!signal?.aborted) {
        const rows = await eventsSince(ctx.db, cursor);
        for (const e of rows) {
          if (cursor.take(e.id) && topicMatches(input.topics, e.topic)) yield tracked(cursor.format(), e);
        }
        cursor.expire();
        if (rows.length < EVENT_BATCH) await wake.wait(cursor.hasGaps() ? GAP_POLL_MS : IDLE_POLL_MS, signal);
      }
    } finally {
      bus.emitter.off("event", wake.fire);
      bus.emitter.off("reconnect", wake.fire);
    }
  }),

  /** The id of each new audit row as it commits: lets the audit log say "new entries" without polling. */
  auditTail: viewerProcedure.subscription(async function* ({ signal }) {
    const bus = await liveBus();
    for await (const [id] of on(bus.emitter, "audit", { signal }) as AsyncIterable<[number]>) yield { id };
  }),

  /** Worker liveness: the current summary at once, then every change. */
  workers: viewerProcedure.subscription(async function* ({ signal }) {
    const bus = await liveBus();
    const changes = on(bus.emitter, "workers", { signal });
    yield bus.workers();
    for await (const [summary] of changes as AsyncIterable<[WorkerSummary]>) yield summary;
  }),
});
