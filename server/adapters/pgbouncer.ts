import { unseal } from "@/server/crypto/secrets";
import type { Probe } from "@/server/health/probe-types";
import type { KindConfig } from "@/server/health/schemas";
import { elapsedMs, withDeadline } from "./deadline";
import { pgClient } from "./pg-clients";

/**
 * pgbouncer: SHOW POOLS / DATABASES / CONFIG / STATS on the admin console
 * (database `pgbouncer`; the user must be in `stats_users` or `admin_users`).
 * The console speaks only the simple query protocol: postgres.js sends
 * parameterless `unsafe()` queries that way, and the cached client never
 * prepares or fetches types.
 *
 * Utilization, each compared with maxPoolUtilizationPct:
 * - pools: the busiest pool's active server connections / its pool_size
 *   (from SHOW DATABASES, which already applies default_pool_size);
 * - clients: all client connections / max_client_conn.
 * Clients waiting for a server connection are reported with the longest wait.
 */
type Pool = Record<string, string | number | null> & { database: string; user: string };
type Database = Record<string, string | number | null> & { name: string };
type ConfigRow = { key: string; value: string };
type Stat = Record<string, string | number | null> & { database: string };

const n = (v: unknown): number => (v === null || v === undefined || v === "" ? 0 : Number(v) || 0);
const pct = (a: number, b: number): number | null => (b > 0 ? Math.round((a / b) * 1000) / 10 : null);

export const pgbouncerProbe: Probe<KindConfig["pgbouncer"]> = (config, ctx) =>
  withDeadline(ctx, async (signal, started) => {
    const client = pgClient({
      host: config.host,
      port: config.port,
      database: "pgbouncer",
      user: config.user,
      password: config.password ? unseal(config.password) : undefined,
      ssl: false,
    });
    const onAbort = () => client.discard();
    signal.addEventListener("abort", onAbort, { once: true });
    let pools: Pool[], databases: Database[], settings: ConfigRow[], stats: Stat[];
    try {
      [pools, databases, settings, stats] = await Promise.all([
        client.sql.unsafe<Pool[]>("SHOW POOLS"),
        client.sql.unsafe<Database[]>("SHOW DATABASES"),
        client.sql.unsafe<ConfigRow[]>("SHOW CONFIG"),
        client.sql.unsafe<Stat[]>("SHOW STATS"),
      ]);
    } catch (err) {
      client.discard();
      throw consoleError(err, config.user);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    const latencyMs = elapsedMs(started);

    const setting = (key: string) => settings.find((s) => s.key === key)?.value;
    const maxClientConn = n(setting("max_client_conn"));
    const defaultPoolSize = n(setting("default_pool_size"));
    const poolSizeOf = new Map(databases.map((d) => [d.name, n(d.pool_size)]));

    let clients = 0;
    let waiting = 0;
    let maxWaitSeconds = 0;
    let busiest: { name: string; pct: number } | null = null;
    const poolDetails = [];
    for (const p of pools) {
      clients += n(p.cl_active) + n(p.cl_waiting) + n(p.cl_active_cancel_req) + n(p.cl_waiting_cancel_req);
      if (p.database === "pgbouncer") continue; // the admin console itself
      waiting += n(p.cl_waiting);
      maxWaitSeconds = Math.max(maxWaitSeconds, n(p.maxwait) + n(p.maxwait_us) / 1e6);
      const size = poolSizeOf.get(p.database) || defaultPoolSize;
      const used = pct(n(p.sv_active), size);
      const name = `${p.database}/${p.user}`;
      poolDetails.push({ name, mode: p.pool_mode, poolSize: size, clientsActive: n(p.cl_active), clientsWaiting: n(p.cl_waiting), serversActive: n(p.sv_active), serversIdle: n(p.sv_idle), utilizationPct: used });
      if (used !== null && (!busiest || used > busiest.pct)) busiest = { name, pct: used };
    }
    const clientPct = pct(clients, maxClientConn);
    const poolPct = busiest?.pct ?? 0;
    const limit = config.maxPoolUtilizationPct;
    const warnings: string[] = [];
    if (busiest && poolPct > limit) warnings.push(`pool ${busiest.name} at ${poolPct}% (limit ${limit}%)`);
    if (clientPct !== null && clientPct > limit) warnings.push(`client connections at ${clientPct}% of max_client_conn (limit ${limit}%)`);

    const parts = [`pools at ${poolPct}%${busiest && poolPct > 0 ? ` (busiest ${busiest.name})` : ""}`, `${clients}/${maxClientConn} clients`];
    if (waiting) parts.push(`${waiting} waiting, longest ${Math.round(maxWaitSeconds * 10) / 10} s`);
    return {
      ok: true,
      latencyMs,
      message: parts.join(", "),
      warning: warnings.length ? warnings.join("; ") : null,
      details: {
        poolUtilizationPct: poolPct,
        clientUtilizationPct: clientPct,
        clients,
        maxClientConn,
        defaultPoolSize,
        waitingClients: waiting,
        maxWaitSeconds: Math.round(maxWaitSeconds * 1000) / 1000,
        pools: poolDetails,
        stats: stats
          .filter((s) => s.database !== "pgbouncer")
          .map((s) => ({ database: s.database, avgQueryUs: n(s.avg_query_time), avgWaitUs: n(s.avg_wait_time), avgXactPerSec: n(s.avg_xact_count) })),
      },
    };
  });

/** PgBouncer's own terse errors, said in full. */
function consoleError(err: unknown, user: string): unknown {
  const message = err instanceof Error ? err.message : "";
  if (message === "not allowed") return new Error(`user "${user}" may not use the admin console: add it to stats_users`);
  if (/^(SASL|password) authentication failed$/.test(message)) return new Error(`authentication failed for user "${user}" (${message})`);
  return err;
}
