import { createHash } from "node:crypto";
import { once } from "node:events";
import net from "node:net";
import postgres, { type Sql } from "postgres";
import { cachedLookup } from "./dns-cache";

/**
 * One tiny postgres.js client (a single connection) per probed PostgreSQL or
 * PgBouncer target, reused from check to check and closed when idle.
 *
 * Why not a fresh connection per check: at 10,000 targets every 5 s that is
 * 2,000 logins a second. SCRAM alone costs the prober ~0.9 ms of synchronous
 * CPU per login here (PBKDF2, 4,096 rounds), i.e. ~1.8 cores, and each login
 * forks a backend on the target. Why not a pool per target kept forever: it
 * holds connections to targets nobody probes any more and hides a target that
 * no longer accepts new logins. So:
 * - `max: 1`: one connection per target, at most one backend of theirs;
 * - `idle_timeout` 60 s closes the connection of a target checked rarely or no
 *   longer, and the sweep drops clients unused for 2 minutes;
 * - `max_lifetime` 10 min: the login path (pg_hba, password, max_connections)
 *   is exercised again at least every ten minutes;
 * - a check that fails or times out discards its client, so the next check
 *   starts from a fresh connection rather than a wedged one.
 * Options that postgres.js would otherwise take from PG* environment variables
 * (password, application name) are set explicitly.
 *
 * Sockets come from our own factory (postgres.js's `socket` option): host
 * names go through the shared DNS cache, and a check makes at most one
 * connection attempt. postgres.js otherwise reconnects at once, in a loop,
 * whenever a server closes the connection during startup (a proxy with no
 * backend, something that is not PostgreSQL): the check would end as a
 * timeout after hammering the target, instead of failing with a reason.
 */
export type PgTarget = { host: string; port: number; database: string; user: string; password?: string; ssl: boolean };
export type PgClient = { sql: Sql; discard: () => void };

/** Per client: connection attempts in the current check, and the socket being connected, if any. */
type Attempts = { count: number; connecting?: net.Socket };
type Entry = { sql: Sql; lastUsed: number; attempts: Attempts };
const clients = new Map<string, Entry>();
const IDLE_EVICT_MS = 120_000;
let sweeper: NodeJS.Timeout | undefined;

export function pgClient(target: PgTarget): PgClient {
  const key = keyOf(target);
  let entry = clients.get(key);
  if (!entry) {
    const attempts: Attempts = { count: 0 };
    entry = { sql: open(target, attempts), lastUsed: Date.now(), attempts };
    clients.set(key, entry);
    sweeper ??= setInterval(sweep, 30_000).unref();
  }
  entry.lastUsed = Date.now();
  entry.attempts.count = 0; // a new check: one connection attempt allowed
  const mine = entry;
  return {
    sql: mine.sql,
    discard: () => {
      if (clients.get(key) === mine) clients.delete(key);
      mine.attempts.connecting?.destroy();
      void mine.sql.end({ timeout: 0 }).catch(() => undefined);
    },
  };
}

function open(t: PgTarget, attempts: Attempts): Sql {
  const password = t.password ?? "";
  const socket = async (): Promise<net.Socket> => {
    if (++attempts.count > 1) throw new Error("the server closed the connection during startup (is this PostgreSQL?)");
    const s = net.connect({ host: t.host, port: t.port, lookup: cachedLookup, noDelay: true });
    attempts.connecting = s;
    try {
      await once(s, "connect");
    } catch (err) {
      s.destroy();
      throw err;
    } finally {
      attempts.connecting = undefined;
    }
    return s;
  };
  const options = {
    host: t.host,
    port: t.port,
    database: t.database,
    user: t.user,
    password: () => password,
    ssl: t.ssl ? ("require" as const) : false,
    max: 1,
    idle_timeout: 60,
    max_lifetime: 600,
    connect_timeout: 30, // the probe's own deadline is shorter and discards the client
    prepare: false, // works through PgBouncer in transaction mode, and on its admin console
    fetch_types: false, // no extra catalog query on connect (the admin console has no catalog)
    onnotice: () => undefined,
    connection: { application_name: "bulwark-probe" },
    socket, // not in postgres.js's typings, supported since 3.1
  };
  return postgres(options);
}

function keyOf(t: PgTarget): string {
  const pw = t.password ? createHash("sha256").update(t.password).digest("base64url").slice(0, 16) : "";
  return `${t.user}@${t.host}:${t.port}/${t.database}?ssl=${t.ssl}&pw=${pw}`;
}

function sweep(): void {
  const now = Date.now();
  for (const [key, e] of clients) {
    if (now - e.lastUsed < IDLE_EVICT_MS) continue;
    clients.delete(key);
    void e.sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

/** Closes every cached client (worker shutdown, tests). */
export async function closePgClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  if (sweeper) clearInterval(sweeper);
  sweeper = undefined;
  await Promise.all(all.map((e) => e.sql.end({ timeout: 1 }).catch(() => undefined)));
}

export const pgClientCount = (): number => clients.size;
