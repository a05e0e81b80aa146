import type { Sql } from "postgres";
import type { ClusterObservation, MemberObservation } from "@/server/failover/types";
import { lsnDiff, parseLsnOrNull } from "@/server/failover/lsn";
import type { Member, MemberConnections } from "./member-sql";

/**
 * One statement per member reads everything a switchover decides on.
 *
 * - timeline of a primary: the first 8 hex digits of the WAL file it writes
 *   (pg_control_checkpoint() still shows the old timeline until the first
 *   checkpoint after a promotion completes); of a standby: the timeline its
 *   WAL receiver streams, else its last restartpoint's.
 * - position: a primary's write LSN; a standby's replay LSN (what it would
 *   have if promoted now, before replaying what is still queued).
 * - lagSeconds is 0 when everything received has been replayed: an idle
 *   primary writes nothing, which is not lag.
 */
const STATE = `
select
  pg_is_in_recovery() as in_recovery,
  current_setting('default_transaction_read_only') = 'on' as read_only,
  (select system_identifier::text from pg_control_system()) as system_identifier,
  (select timeline_id from pg_control_checkpoint()) as checkpoint_tli,
  case when not pg_is_in_recovery() then pg_current_wal_lsn()::text end as current_lsn,
  case when not pg_is_in_recovery() then ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int end as wal_tli,
  pg_last_wal_receive_lsn()::text as receive_lsn,
  pg_last_wal_replay_lsn()::text as replay_lsn,
  case when pg_is_in_recovery() then
    case when pg_last_wal_receive_lsn() is not distinct from pg_last_wal_replay_lsn() then 0::float8
    else coalesce(extract(epoch from now() - pg_last_xact_replay_timestamp())::float8, 0) end
  end as lag_seconds,
  case when pg_is_in_recovery() then pg_is_wal_replay_paused() end as replay_paused,
  (select json_build_object('status', status, 'receivedTli', received_tli, 'senderHost', sender_host, 'senderPort', sender_port)
     from pg_stat_wal_receiver limit 1) as receiver,
  case when not pg_is_in_recovery() then (
    select coalesce(json_agg(json_build_object(
      'name', application_name, 'state', state, 'syncState', sync_state,
      'replayLsn', replay_lsn::text,
      'lagBytes', pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8
    ) order by application_name), '[]'::json) from pg_stat_replication) end as replicas`;

export type Receiver = { status: string; receivedTli: number | null; senderHost: string | null; senderPort: number | null };
export type Replica = { name: string; state: string | null; syncState: string | null; replayLsn: string | null; lagBytes: number | null };
export type MemberState = {
  in_recovery: boolean;
  read_only: boolean;
  system_identifier: string;
  checkpoint_tli: number | null;
  current_lsn: string | null;
  wal_tli: number | null;
  receive_lsn: string | null;
  replay_lsn: string | null;
  lag_seconds: number | null;
  replay_paused: boolean | null;
  receiver: Receiver | null;
  replicas: Replica[] | null;
};

export async function readMemberState(sql: Sql): Promise<MemberState> {
  const [row] = await sql.unsafe<MemberState[]>(STATE);
  if (!row) throw new Error("no row");
  return row;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function fromState(m: Member, s: MemberState): MemberObservation {
  const primary = !s.in_recovery;
  const position = primary ? s.current_lsn : s.replay_lsn;
  const streaming = s.receiver?.status === "streaming";
  const message = primary
    ? s.read_only
      ? "primary is read-only (default_transaction_read_only = on)"
      : null
    : s.replay_paused
      ? "WAL replay is paused"
      : streaming
        ? null
        : `not streaming (${s.receiver ? `WAL receiver ${s.receiver.status}` : "no WAL receiver"})`;
  return {
    name: m.name,
    host: m.host,
    port: m.port,
    role: primary ? "primary" : "standby",
    writable: primary && !s.read_only,
    timeline: primary ? (s.wal_tli ?? s.checkpoint_tli) : (s.receiver?.receivedTli ?? s.checkpoint_tli),
    position,
    positionBytes: parseLsnOrNull(position),
    lagBytes: null,
    lagSeconds: primary ? null : s.lag_seconds,
    syncState: primary ? null : s.receiver?.status ?? null,
    healthy: primary ? !s.read_only : streaming && !s.replay_paused,
    message,
    details: {
      systemIdentifier: s.system_identifier,
      receiveLsn: s.receive_lsn,
      replayLsn: s.replay_lsn,
      readOnly: s.read_only,
      replayPaused: s.replay_paused,
      receiver: s.receiver,
      replicas: s.replicas,
    },
  };
}

function down(m: Member, err: unknown): MemberObservation {
  return {
    name: m.name, host: m.host, port: m.port, role: "down", writable: false, timeline: null,
    position: null, positionBytes: null, lagBytes: null, lagSeconds: null, syncState: null,
    healthy: false, message: errorText(err), details: {},
  };
}

/** Lag of each standby behind the one primary, from the primary's pg_stat_replication when it lists the standby by name. */
function withLag(members: MemberObservation[]): MemberObservation[] {
  const primaries = members.filter((m) => m.role === "primary");
  const primary = primaries.length === 1 ? primaries[0] : undefined;
  if (!primary) return members;
  const replicas = (primary.details.replicas as Replica[] | null) ?? [];
  return members.map((m) => {
    if (m.role !== "standby") return m;
    const row = replicas.find((r) => r.name === m.name);
    const lagBytes = row?.lagBytes != null ? row.lagBytes : primary.positionBytes != null && m.positionBytes != null ? Math.max(0, lsnDiff(primary.positionBytes, m.positionBytes)) : null;
    const syncState = row ? `${row.state ?? "?"}/${row.syncState ?? "?"}` : m.syncState;
    // A standby whose WAL went past the fork point reconnects in a loop, "streaming" its old timeline for a moment each time.
    const receivedTli = (m.details.receiver as Receiver | null)?.receivedTli ?? null;
    if (m.healthy && primary.timeline !== null && receivedTli !== null && receivedTli !== primary.timeline) {
      return { ...m, lagBytes, syncState, healthy: false, message: `streams timeline ${receivedTli}, but ${primary.name} is on timeline ${primary.timeline}` };
    }
    // The fence checks the candidate's walsender by application_name: a standby the primary does not list under its member name can never be switched to.
    if (m.healthy && !row) {
      return { ...m, lagBytes, syncState, healthy: false, message: `${primary.name} lists no replication connection named ${m.name}: set application_name=${m.name} in its primary_conninfo` };
    }
    return { ...m, lagBytes, syncState };
  });
}

export async function observeMembers(conns: MemberConnections, signal?: AbortSignal): Promise<ClusterObservation> {
  const members = await Promise.all(
    conns.members.map(async (m) => {
      if (signal?.aborted) return down(m, new Error("observation cancelled"));
      try {
        return fromState(m, await conns.run(m.name, "observe", readMemberState));
      } catch (err) {
        return down(m, err);
      }
    }),
  );
  const writable = members.filter((m) => m.writable).length;
  const identifiers = new Set(members.map((m) => m.details.systemIdentifier).filter((x) => x != null));
  const error =
    members.every((m) => m.role === "down") ? "no member answered"
    : writable > 1 ? `${writable} members accept writes`
    : identifiers.size > 1 ? "members belong to different clusters (system identifiers differ)"
    : null;
  return { observedAt: new Date(), members: withLag(members), error };
}
