import { unseal } from "@/server/crypto/secrets";
import type { Probe } from "@/server/health/probe-types";
import type { KindConfig } from "@/server/health/schemas";
import { elapsedMs, withDeadline } from "./deadline";
import { pgClient } from "./pg-clients";

/**
 * postgres: one statement on a cached single connection (see pg-clients.ts):
 * role, connection use, timeline, and replication seen from whichever side
 * this server is on.
 *
 * The user needs nothing but LOGIN to pass; with `GRANT pg_monitor TO …` it
 * also sees per-standby lag (pg_stat_replication hides other users' rows'
 * positions) and the timeline (pg_control_checkpoint is not public).
 * Connections are counted from pg_stat_activity's client backends when the
 * user may read other sessions, else from pg_stat_database.numbackends (which
 * every user can read; it also counts background workers attached to a
 * database). Suggested role:
 *
 *   CREATE ROLE bulwark_probe LOGIN PASSWORD '…';
 *   GRANT pg_monitor TO bulwark_probe;
 *
 * Replay lag in seconds on a standby is 0 when everything received has been
 * replayed: `now() - pg_last_xact_replay_timestamp()` alone keeps growing
 * while an idle primary writes nothing, which is not lag.
 */
const QUERY = `
select
  pg_is_in_recovery() as in_recovery,
  current_setting('server_version') as version,
  current_setting('max_connections')::int as max_connections,
  case when pg_has_role('pg_read_all_stats', 'usage')
    then (select count(*)::int from pg_stat_activity where backend_type = 'client backend')
    else (select sum(numbackends)::int from pg_stat_database where datid <> 0) end as connections,
  case when has_function_privilege('pg_catalog.pg_control_checkpoint()', 'execute')
    then (select timeline_id from pg_control_checkpoint()) end as timeline,
  case when pg_is_in_recovery()
    then pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8 end as lag_bytes,
  case when pg_is_in_recovery() then
    case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0::float8
    else extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 end
  end as lag_seconds,
  case when pg_is_in_recovery() then (select count(*)::int from pg_stat_wal_receiver) end as wal_receivers,
  case when not pg_is_in_recovery() then (
    select coalesce(json_agg(json_build_object(
      'name', application_name,
      'address', client_addr::text,
      'state', state,
      'syncState', sync_state,
      'lagBytes', pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8,
      'replayLagSeconds', extract(epoch from replay_lag)::float8
    ) order by application_name), '[]'::json)
    from pg_stat_replication) end as standbys`;

type Row = {
  in_recovery: boolean;
  version: string;
  max_connections: number;
  connections: number;
  timeline: number | null;
  lag_bytes: number | null;
  lag_seconds: number | null;
  wal_receivers: number | null;
  standbys: Standby[] | null;
};
type Standby = { name: string; address: string | null; state: string | null; syncState: string | null; lagBytes: number | null; replayLagSeconds: number | null };

export const postgresProbe: Probe<KindConfig["postgres"]> = (config, ctx) =>
  withDeadline(ctx, async (signal, started) => {
    const client = pgClient({
      host: config.host,
      port: config.port,
      database: config.database,
      user: config.user,
      password: config.password ? unseal(config.password) : undefined,
      ssl: config.ssl,
    });
    // postgres.js takes no AbortSignal: on timeout or cancel the connection is dropped.
    const onAbort = () => client.discard();
    signal.addEventListener("abort", onAbort, { once: true });
    let row: Row | undefined;
    try {
      [row] = await client.sql.unsafe<Row[]>(QUERY);
    } catch (err) {
      client.discard();
      throw err;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    const latencyMs = elapsedMs(started);
    if (!row) return { ok: false, latencyMs, message: "the health query returned no row" };
    return { ok: true, latencyMs, ...verdict(row, config) };
  });

function verdict(r: Row, config: KindConfig["postgres"]): { message: string; warning: string | null; details: Record<string, unknown> } {
  const connectionsPct = r.max_connections > 0 ? Math.round((r.connections / r.max_connections) * 1000) / 10 : null;
  const role = r.in_recovery ? "standby" : "primary";
  const details: Record<string, unknown> = {
    role,
    version: r.version,
    timeline: r.timeline,
    connections: r.connections,
    maxConnections: r.max_connections,
    connectionsPct,
  };
  const warnings: string[] = [];
  const parts = [role, ...(r.timeline !== null ? [`timeline ${r.timeline}`] : []), `${r.connections}/${r.max_connections} connections`];

  if (r.in_recovery) {
    details.lagBytes = r.lag_bytes;
    details.lagSeconds = r.lag_seconds === null ? null : round1(r.lag_seconds);
    details.streaming = (r.wal_receivers ?? 0) > 0;
    parts.push(`lag ${r.lag_bytes ?? "?"} B / ${r.lag_seconds === null ? "?" : round1(r.lag_seconds)} s`);
    if (r.lag_seconds !== null && r.lag_seconds > config.maxLagSeconds) {
      warnings.push(`replay lag ${round1(r.lag_seconds)} s over the ${config.maxLagSeconds} s limit`);
    }
    if (!details.streaming) warnings.push("standby is not streaming from a primary");
  } else {
    const standbys = r.standbys ?? [];
    details.standbys = standbys.map((s) => ({ ...s, replayLagSeconds: s.replayLagSeconds === null ? null : round1(s.replayLagSeconds) }));
    if (standbys.length) parts.push(`${standbys.length} standby${standbys.length === 1 ? "" : "s"}`);
    for (const s of standbys) {
      if (s.replayLagSeconds !== null && s.replayLagSeconds > config.maxLagSeconds) {
        warnings.push(`standby ${s.name || s.address || "?"} replay lag ${round1(s.replayLagSeconds)} s over the ${config.maxLagSeconds} s limit`);
      }
    }
  }
  if (connectionsPct !== null && connectionsPct > config.maxConnectionsPct) {
    warnings.push(`connections at ${connectionsPct}% of max_connections (limit ${config.maxConnectionsPct}%)`);
  }
  return { message: parts.join(", "), warning: warnings.length ? warnings.join("; ") : null, details };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
