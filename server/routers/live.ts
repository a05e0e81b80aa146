import { on } from "node:events";
import { tracked } from "@trpc/server";
import { liveBus } from "../events/live-bus";
import { eventsAfter } from "../events/list-events";
import { type LiveMessage, liveEventsInput, topicMatches } from "../events/live-types";
import type { WorkerSummary } from "../events/worker-status";
import { router, viewerProcedure } from "../trpc/init";

export const liveRouter = router({
  /**
   * Every outbox event as it commits, filtered by topic. On reconnect the
   * client sends the last id it saw and gets what it missed from the table.
   */
  events: viewerProcedure.input(liveEventsInput).subscription(async function* ({ ctx, input, signal }) {
    const bus = await liveBus();
    // Start listening before the catch-up read so nothing falls between the two.
    const incoming = on(bus.emitter, "event", { signal });
    let last = input.lastEventId ? Number(input.lastEventId) : null;
    if (last !== null) {
      for (;;) {
        const batch = await eventsAfter(ctx.db, last);
        for (const e of batch) {
          last = e.id;
          if (topicMatches(input.topics, e.topic)) yield tracked(String(e.id), e);
        }
        if (batch.length < 500) break;
      }
    }
    for await (const [msg] of incoming as AsyncIterable<[Extract<LiveMessage, { k: "event" }>]>) {
      if (last !== null && msg.id <= last) continue;
      // Read the row (NOTIFY carries ids only); any gap since `last` comes along in order.
      const batch = await eventsAfter(ctx.db, last ?? msg.id - 1);
      for (const e of batch) {
        last = e.id;
        if (topicMatches(input.topics, e.topic)) yield tracked(String(e.id), e);
      }
    }
  }),

  /** Worker liveness: the current summary at once, then every change. */
  workers: viewerProcedure.subscription(async function* ({ signal }) {
    const bus = await liveBus();
    const changes = on(bus.emitter, "workers", { signal });
    yield bus.workers();
    for await (const [summary] of changes as AsyncIterable<[WorkerSummary]>) yield summary;
  }),
});
