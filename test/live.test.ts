/**
 * Outbox → NOTIFY → LISTEN → tRPC subscription, on a real PostgreSQL.
 */
import { isTrackedEnvelope } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "@/db/schema";
import { mutation } from "@/server/core/verb";
import { systemActor } from "@/server/core/actor";
import { liveBus } from "@/server/events/live-bus";
import { LIVE_CHANNEL, type LiveEvent, liveMessage, topicMatches } from "@/server/events/live-types";
import { summarizeWorkers, type WorkerRow } from "@/server/events/worker-status";
import { z } from "zod";
import { testDb, type TestDb } from "./db";
import { makeUser, type MadeUser, requestId, uniqueEmail } from "./factories";
import { stopProcessDb, useProcessDb } from "./live-env";
import { callerFor } from "./trpc";

let t: TestDb;
let admin: MadeUser;

beforeAll(async () => {
  t = await testDb();
  // liveBus() LISTENs through the process-wide client, which reads DATABASE_URL.
  useProcessDb(t.url);
  admin = await makeUser(t.db, { role: "admin" });
});
afterAll(async () => {
  await stopProcessDb();
  await t.close();
});

const createUser = async () => (await callerFor(t.db, admin.actor).users.create({ email: uniqueEmail("live"), name: "Live", role: "viewer" })).user;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function eventRowFor(userId: string) {
  const rows = await t.db.select().from(events);
  const row = rows.find((e) => (e.payload as { id?: string }).id === userId);
  if (!row) throw new Error(`no outbox row for user ${userId}`);
  return row;
}

describe("NOTIFY on bulwark_events", () => {
  it("a committed outbox row (users.create) is announced with its id, type and topic", async () => {
    const received: string[] = [];
    // Audit rows announce themselves as well ({k:"audit"}); these tests are about outbox events.
    const listener = await t.sql.listen(LIVE_CHANNEL, (payload) => {
      if ((JSON.parse(payload) as { k: string }).k === "event") received.push(payload);
    });
    try {
      const user = await createUser();
      await withTimeout(
        (async () => {
          while (received.length === 0) await new Promise((r) => setTimeout(r, 5));
        })(),
        5_000,
        "a NOTIFY",
      );
      const row = await eventRowFor(user.id);
      expect(received.map((p) => JSON.parse(p) as unknown)).toEqual([{ k: "event", id: row.id, type: "user.created", topic: "user" }]);
      // The payload is what the live bus accepts.
      expect(liveMessage.safeParse(JSON.parse(received[0] ?? "")).success).toBe(true);
    } finally {
      await listener.unlisten();
    }
  });

  it("a rolled-back outbox row is never announced", async () => {
    const received: string[] = [];
    // Audit rows announce themselves as well ({k:"audit"}); these tests are about outbox events.
    const listener = await t.sql.listen(LIVE_CHANNEL, (payload) => {
      if ((JSON.parse(payload) as { k: string }).k === "event") received.push(payload);
    });
    try {
      const failing = mutation(
        { actor: systemActor("test:live"), db: t.db, requestId: requestId() },
        { role: "admin", schema: z.object({}), input: {} },
        async ({ audit, emit }) => {
          await audit({ action: "test.rollback", targetType: "test" });
          await emit({ type: "test.rollback", topic: "test" });
          throw new Error("changed my mind");
        },
      );
      await expect(failing).rejects.toThrow("changed my mind");
      // A later committed event proves the channel works; nothing from the rollback precedes it.
      await createUser();
      await withTimeout(
        (async () => {
          while (received.length === 0) await new Promise((r) => setTimeout(r, 5));
        })(),
        5_000,
        "a NOTIFY",
      );
      const types = received.map((p) => (JSON.parse(p) as { type: string }).type);
      expect(types).toEqual(["user.created"]);
    } finally {
      await listener.unlisten();
    }
  });
});

/** The caller yields tRPC tracked envelopes `[id, data, symbol]`. */
function unwrap(value: unknown): { trackedId: string; event: LiveEvent } {
  if (!isTrackedEnvelope(value)) throw new Error(`expected a tracked envelope, got ${JSON.stringify(value)}`);
  const [trackedId, event] = value as unknown as [string, LiveEvent];
  return { trackedId, event };
}

async function subscribe(input: { lastEventId?: string; topics?: string[] }) {
  const ac = new AbortController();
  const stream = await callerFor(t.db, admin.actor, { signal: ac.signal }).live.events(input);
  const iterator = (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  return {
    next: async () => {
      const step = await withTimeout(iterator.next(), 5_000, "a live event");
      if (step.done) throw new Error("subscription ended");
      return unwrap(step.value);
    },
    close: async () => {
      ac.abort();
      await iterator.return?.(undefined).catch(() => undefined);
    },
  };
}

/** Resolves once the subscription's generator has attached to the bus (it does so on its first step). */
async function untilListening(before: number) {
  const bus = await liveBus();
  await withTimeout(
    (async () => {
      while (bus.emitter.listenerCount("event") <= before) await new Promise((r) => setTimeout(r, 5));
    })(),
    5_000,
    "the subscription to attach",
  );
}

describe("live.events subscription", () => {
  it("yields an event committed after it started", async () => {
    const bus = await liveBus();
    const listeners = bus.emitter.listenerCount("event");
    const sub = await subscribe({});
    try {
      const first = sub.next();
      await untilListening(listeners);
      const user = await createUser();
      const { trackedId, event } = await first;
      const row = await eventRowFor(user.id);
      expect(event).toMatchObject({ id: row.id, type: "user.created", topic: "user", payload: { id: user.id } });
      expect(trackedId).toBe(String(row.id));
    } finally {
      await sub.close();
    }
  });

  it("with lastEventId replays missed events in order, then continues live without repeats", async () => {
    const missed = [await createUser(), await createUser(), await createUser()];
    const rows = await Promise.all(missed.map((u) => eventRowFor(u.id)));
    const ids = rows.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    const sub = await subscribe({ lastEventId: String((ids[0] ?? 0) - 1) });
    try {
      const replayed = [await sub.next(), await sub.next(), await sub.next()];
      expect(replayed.map((r) => r.event.id)).toEqual(ids);
      expect(replayed.map((r) => r.trackedId)).toEqual(ids.map(String));
      expect(replayed.map((r) => (r.event.payload as { id: string }).id)).toEqual(missed.map((u) => u.id));

      const later = await createUser();
      const live = await sub.next();
      expect(live.event.id).toBe((await eventRowFor(later.id)).id);
      expect(live.event.id).toBeGreaterThan(ids[2] ?? Infinity);
    } finally {
      await sub.close();
    }
  });

  it("filters by topic", async () => {
    const sub = await subscribe({ lastEventId: "0", topics: ["nothing-here", "us*"] });
    const other = await subscribe({ lastEventId: "0", topics: ["cluster:*"] });
    try {
      const { event } = await sub.next();
      expect(event.topic).toBe("user");
      // Nothing with a cluster topic exists, so the second subscription has nothing to replay or yield.
      const stepOrTimeout = await Promise.race([other.next().then(() => "event", () => "closed"), new Promise((r) => setTimeout(() => r("quiet"), 300))]);
      expect(stepOrTimeout).toBe("quiet");
    } finally {
      await sub.close();
      await other.close();
    }
  });

  // Outbox ids are taken at insert but become visible at commit: id N can commit after N+1.
  // The cursor remembers skipped ids as gaps, so the late event still arrives, and a reconnect
  // with the tracked id (which carries the gaps) would get it too.
  it("delivers an event whose transaction commits after a later id's", async () => {
    const bus = await liveBus();
    const listeners = bus.emitter.listenerCount("event");
    const sub = await subscribe({});
    const slow = await t.sql.reserve();
    try {
      const first = sub.next();
      await untilListening(listeners);
      await slow`begin`;
      const [early] = await slow<{ id: string }[]>`insert into events (type, topic) values ('test.slow', 'test') returning id`;
      const [late] = await t.sql<{ id: string }[]>`insert into events (type, topic) values ('test.fast', 'test') returning id`;
      expect((await first).event.id).toBe(Number(late?.id));
      const second = sub.next();
      await slow`commit`;
      // generous: under a loaded CI run the NOTIFY → read round trip has taken over a second (once in ~10 full runs)
      expect((await withTimeout(second, 4_000, "the late-committed event")).event.id).toBe(Number(early?.id));
    } finally {
      await slow`rollback`.catch(() => undefined);
      slow.release();
      await sub.close();
    }
  }, 15_000);

  it("topicMatches: exact names, prefixes ending in *, and empty meaning all", () => {
    expect(topicMatches(undefined, "user")).toBe(true);
    expect(topicMatches([], "user")).toBe(true);
    expect(topicMatches(["user"], "user")).toBe(true);
    expect(topicMatches(["user"], "users")).toBe(false);
    expect(topicMatches(["cluster:*"], "cluster:42")).toBe(true);
    expect(topicMatches(["cluster:*"], "clusters")).toBe(false);
  });
});

describe("worker liveness", () => {
  const STALE = 6_000;
  const now = Date.parse("2026-01-01T12:00:00Z");
  const row = (over: Partial<WorkerRow> = {}): WorkerRow => ({
    workerId: "w1",
    hostname: "host",
    pid: 123,
    version: "0.1.0",
    status: "running",
    startedAt: new Date(now - 60_000),
    lastSeenAt: new Date(now - 1_000),
    loops: {},
    ...over,
  });

  it("a running worker seen recently is up", () => {
    const s = summarizeWorkers([row()], STALE, now);
    expect(s.state).toBe("up");
    expect(s.workers.map((w) => w.alive)).toEqual([true]);
    expect(s.checkedAt.getTime()).toBe(now);
  });

  it("a running worker silent for longer than the stale limit is down", () => {
    const s = summarizeWorkers([row({ lastSeenAt: new Date(now - STALE - 1) })], STALE, now);
    expect(s.state).toBe("down");
    expect(s.workers.map((w) => w.alive)).toEqual([false]);
  });

  it("exactly at the stale limit still counts as alive", () => {
    expect(summarizeWorkers([row({ lastSeenAt: new Date(now - STALE) })], STALE, now).state).toBe("up");
  });

  it("no worker rows at all is unknown", () => {
    expect(summarizeWorkers([], STALE, now)).toEqual({ state: "unknown", workers: [], checkedAt: new Date(now) });
  });

  it("a stopped worker is down even when it reported a moment ago", () => {
    const s = summarizeWorkers([row({ status: "stopped", lastSeenAt: new Date(now - 10) })], STALE, now);
    expect(s.state).toBe("down");
    expect(s.workers.map((w) => [w.status, w.alive])).toEqual([["stopped", false]]);
  });

  it("one live worker among dead ones is up; long-gone stopped workers drop out of the list", () => {
    const s = summarizeWorkers(
      [
        row({ workerId: "old", status: "stopped", lastSeenAt: new Date(now - 2 * 60 * 60_000) }),
        row({ workerId: "stale", lastSeenAt: new Date(now - STALE * 2) }),
        row({ workerId: "alive" }),
      ],
      STALE,
      now,
    );
    expect(s.state).toBe("up");
    expect(s.workers.map((w) => w.workerId)).toEqual(["stale", "alive"]);
  });

  it("system.workers follows heartbeats delivered by NOTIFY", async () => {
    const viewer = await makeUser(t.db, { role: "viewer" });
    const caller = callerFor(t.db, viewer.actor);
    await liveBus();
    const workerId = `w-${requestId()}`;
    await t.sql`
      with up as (
        insert into worker_heartbeats (worker_id, hostname, pid, version, status, started_at, last_seen_at)
        values (${workerId}, 'test-host', 4242, 'test', 'running', now(), now())
        returning worker_id, status, last_seen_at)
      select pg_notify(${LIVE_CHANNEL}, json_build_object('k', 'heartbeat', 'workerId', worker_id, 'status', status, 'at', last_seen_at)::text) from up`;
    const summary = await withTimeout(
      (async () => {
        for (;;) {
          const s = await caller.system.workers();
          if (s.workers.some((w) => w.workerId === workerId)) return s;
          await new Promise((r) => setTimeout(r, 20));
        }
      })(),
      5_000,
      "the bus to see the heartbeat",
    );
    expect(summary.state).toBe("up");
    expect(summary.workers.find((w) => w.workerId === workerId)).toMatchObject({ hostname: "test-host", pid: 4242, alive: true });
  });
});

describe("audit tail", () => {
  it("live.auditTail yields the id of every committed audit row, including sign-ins that emit no outbox event", async () => {
    const bus = await liveBus();
    const before = bus.emitter.listenerCount("audit");
    const ac = new AbortController();
    const sub = (await callerFor(t.db, admin.actor, { signal: ac.signal }).live.auditTail())[Symbol.asyncIterator]();
    try {
      const first = sub.next();
      while (bus.emitter.listenerCount("audit") === before) await new Promise((r) => setTimeout(r, 5));
      const [row] = await t.sql<{ id: string }[]>`insert into audit_log (actor_type, actor_label, action, target_type) values ('system', 'test', 'auth.login', 'user') returning id`;
      const step = await withTimeout(first, 5_000, "an audit id");
      expect(step.value).toEqual({ id: Number(row?.id) });
    } finally {
      ac.abort();
      await sub.return?.();
    }
  });
});
