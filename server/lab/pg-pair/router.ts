import net from "node:net";
import postgres from "postgres";
import type { MemberName, PairLog } from "./member";

export type RouterTarget = { name: MemberName; port: number; url: string };

export type PgRouter = {
  port: number;
  routedTo: () => MemberName | null;
  /** what the last poll of each member said (null: unreachable or no answer yet) */
  writable: () => Record<MemberName, boolean | null>;
  stop: () => Promise<void>;
};

const POLL_MS = 25;
/** a member whose poll has not answered for this long counts as not writable */
const STALE_MS = 2000;
const HOLD_MS = 15_000;

const WRITABLE_SQL = `select not pg_is_in_recovery()
  and current_setting('transaction_read_only') = 'off'
  and current_setting('default_transaction_read_only') = 'off' as w`;

type MemberState = { writable: boolean | null; at: number };

/**
 * The lab's "always the primary" address: a TCP proxy that forwards each new
 * connection to the one member that is writable (not in recovery, not fenced
 * read-only). With none or both writable it holds new connections — a client
 * must never be able to write to two primaries — and when the target changes it
 * cuts the connections it forwarded to the old one, so clients reconnect to
 * the new primary.
 */
export async function startRouter(opts: { port: number; members: RouterTarget[]; log?: PairLog }): Promise<PgRouter> {
  const states = new Map<MemberName, MemberState>(opts.members.map((m) => [m.name, { writable: null, at: 0 }]));
  const forwarded = new Map<MemberName, Set<net.Socket>>(opts.members.map((m) => [m.name, new Set()]));
  const held = new Set<{ client: net.Socket; timer: NodeJS.Timeout }>();
  let target: MemberName | null = null;
  let stopped = false;

  const decide = () => {
    const now = Date.now();
    const writable = opts.members.filter((m) => {
      const s = states.get(m.name);
      return s?.writable === true && now - s.at < STALE_MS;
    });
    const next = writable.length === 1 ? writable[0]!.name : null;
    if (next === target) return;
    const previous = target;
    target = next;
    opts.log?.info({ from: previous, to: next, writable: writable.map((m) => m.name) }, next ? "lab router forwards to a new primary" : "lab router holds new connections");
    if (previous) {
      for (const s of forwarded.get(previous) ?? []) s.destroy();
    }
    if (next) for (const h of [...held]) {
      held.delete(h);
      clearTimeout(h.timer);
      forward(h.client, next);
    }
  };

  const forward = (client: net.Socket, name: MemberName) => {
    if (client.destroyed) return;
    const member = opts.members.find((m) => m.name === name)!;
    const upstream = net.connect({ host: "127.0.0.1", port: member.port });
    const set = forwarded.get(name)!;
    set.add(upstream);
    const end = () => {
      set.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    upstream.on("error", end).on("close", end);
    client.on("error", end).on("close", end);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  };

  const server = net.createServer((client) => {
    client.setNoDelay(true);
    if (target) return forward(client, target);
    client.pause(); // the startup packet waits in the socket until there is a primary
    const h = { client, timer: setTimeout(() => (held.delete(h), client.destroy()), HOLD_MS) };
    held.add(h);
    client.once("close", () => {
      clearTimeout(h.timer);
      held.delete(h);
    });
    client.on("error", () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: opts.port, host: "127.0.0.1", exclusive: true }, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : opts.port;

  // One poller per member on a persistent session; a hung poll is abandoned, not queued behind.
  const pollers = opts.members.map(async (m) => {
    let sql: postgres.Sql | null = null;
    while (!stopped) {
      sql ??= postgres(m.url, { max: 1, connect_timeout: 2, idle_timeout: 0, onnotice: () => undefined, connection: { application_name: "bulwark-lab-router" } });
      const current = sql;
      let writable: boolean | null = null;
      let timer: NodeJS.Timeout | undefined;
      try {
        const rows = await Promise.race([
          current.unsafe<{ w: boolean }[]>(WRITABLE_SQL),
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("poll timeout")), STALE_MS))),
        ]);
        writable = rows[0]?.w === true;
      } catch {
        writable = null;
        sql = null;
        void current.end({ timeout: 0 }).catch(() => undefined);
      } finally {
        clearTimeout(timer);
      }
      if (stopped) break;
      states.set(m.name, { writable, at: Date.now() });
      decide();
      await new Promise((r) => setTimeout(r, writable === null ? 100 : POLL_MS));
    }
    if (sql) await sql.end({ timeout: 1 }).catch(() => undefined);
  });
  // a member that stops answering must lose the route even while its poll hangs
  const staleCheck = setInterval(decide, 250);

  return {
    port,
    routedTo: () => target,
    writable: () => Object.fromEntries([...states].map(([n, s]) => [n, s.writable])) as Record<MemberName, boolean | null>,
    async stop() {
      stopped = true;
      clearInterval(staleCheck);
      for (const h of held) {
        clearTimeout(h.timer);
        h.client.destroy();
      }
      held.clear();
      for (const set of forwarded.values()) for (const s of set) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(pollers);
    },
  };
}
