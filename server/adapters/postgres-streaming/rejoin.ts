import { NeedsAttention, type StepContext } from "@/server/failover/types";
import type { AgentClient } from "./agent-client";
import { formatLsn, parseLsn } from "@/server/failover/lsn";
import { errorText, memberOf, pollUntil, rethrowIfStopped, type Deps } from "./steps-common";

/**
 * Bringing a former primary back as a standby of the new one.
 *
 * "Streaming" is only believed when the WAL receiver streams the new
 * primary's timeline: a member whose WAL went past the fork point connects,
 * streams its old timeline to its end, is refused by its own startup process
 * ("new timeline N forked off current database system timeline N-1 before
 * current recovery point") and reconnects, every wal_retrieve_retry_interval —
 * showing "streaming" for a moment each time.
 */
const TLI_OF_PRIMARY = `select ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int as tli`;

async function primaryTimeline(d: Deps, primary: string): Promise<number> {
  const [r] = await d.conns.run(primary, "observe", (sql) => sql.unsafe<{ tli: number }[]>(TLI_OF_PRIMARY));
  if (!r) throw new Error(`${primary} returned no timeline`);
  return r.tli;
}

/** Where the primary's history says timeline `tli` ended (null: not in its history). */
async function switchPoint(d: Deps, primary: string, primaryTli: number, tli: number): Promise<bigint | null> {
  if (tli >= primaryTli) return null;
  const file = `pg_wal/${primaryTli.toString(16).toUpperCase().padStart(8, "0")}.history`;
  const [r] = await d.conns.run(primary, "observe", (sql) => sql<{ text: string }[]>`select pg_read_file(${file}) as text`);
  for (const line of (r?.text ?? "").split("\n")) {
    const [t, lsn] = line.trim().split(/\s+/);
    if (t && lsn && Number(t) === tli) return parseLsn(lsn);
  }
  return null;
}

type Standby = { rec: boolean; status: string | null; receivedTli: number | null; replay: string | null; checkpointTli: number | null; lsn: string | null; walTli: number | null };

async function readStandby(d: Deps, member: string): Promise<Standby> {
  const [r] = await d.conns.run(member, "observe", (sql) =>
    sql<Standby[]>`select pg_is_in_recovery() as rec,
      (select status from pg_stat_wal_receiver) as status,
      (select received_tli from pg_stat_wal_receiver) as "receivedTli",
      pg_last_wal_replay_lsn()::text as replay,
      (select timeline_id from pg_control_checkpoint()) as "checkpointTli",
      case when not pg_is_in_recovery() then pg_current_wal_lsn()::text end as lsn,
      case when not pg_is_in_recovery() then ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int end as "walTli"`,
  );
  if (!r) throw new Error(`${member} returned nothing`);
  return r;
}

/**
 * The member's WAL went past the point where its timeline forked to the
 * primary's: it cannot follow, only be re-cloned. A standby that already
 * receives the primary's timeline has crossed the fork the right way; one
 * that does not is still on the timeline of its last restartpoint.
 */
async function divergence(d: Deps, member: string, primary: string): Promise<string | null> {
  const [s, pTli] = await Promise.all([readStandby(d, member), primaryTimeline(d, primary)]);
  if (s.rec && s.receivedTli === pTli) return null;
  const at = s.rec ? s.replay : s.lsn;
  const tli = s.rec ? s.checkpointTli : s.walTli;
  if (!at || tli === null) return null;
  const fork = await switchPoint(d, primary, pTli, tli);
  if (fork === null || parseLsn(at) <= fork) return null;
  return `${member} is at ${at} on timeline ${tli}, past ${primary}'s fork point ${formatLsn(fork)}`;
}

export async function waitStreaming(ctx: StepContext, d: Deps, member: string, primary: string, timeoutMs: number, onPoll?: () => Promise<boolean>): Promise<boolean> {
  let seen = 0;
  const ok = await pollUntil(ctx, 50, timeoutMs, async () => {
    if (onPoll && (await onPoll())) return false;
    const [s, tli] = await Promise.all([readStandby(d, member), primaryTimeline(d, primary)]);
    const streaming = s.rec && s.status === "streaming" && s.receivedTli === tli;
    seen = streaming ? seen + 1 : 0;
    // twice in a row, 50 ms apart: a receiver that is being refused does not stay up that long on the new timeline
    return seen >= 2 || (streaming && timeoutMs === 0) ? true : null;
  });
  if (ok) ctx.log(`${member} streams timeline-current WAL from ${primary}`);
  return ok === true;
}

/**
 * Restarts `member` as a standby of `primary` through the agent; re-clones it
 * when its WAL went past the fork point or it does not stream within the
 * rejoin timeout (there is no pg_rewind here).
 */
export async function rejoinWithAgent(ctx: StepContext, d: Deps, agent: AgentClient, member: string, primary: string, mode: "restart" | "reclone"): Promise<string> {
  if (await waitStreaming(ctx, d, member, primary, 0)) return `${member} already streams from ${primary}`;
  const am = await agent.member(member);
  if (!am) throw new Error(`the agent does not know ${member}`);
  let why: string | null = null;
  if (mode === "restart") {
    if (am.running && !am.standby) {
      const obs = await d.observe(ctx.signal);
      if (memberOf(obs, member).writable) throw new NeedsAttention(`${member} is running as a writable primary next to ${primary}; not touching it. Fence it and rejoin it as a standby of ${primary}.`);
    }
    // Still running as a (fenced) primary after the promotion: the checkpoint its shutdown writes lies past the fork point.
    if (am.running && !am.standby) why = `${member} ran on as a primary after ${primary} was promoted`;
    if (!why) {
      try {
        if (am.running) {
          ctx.command(agent.curl("POST", `/v1/members/${member}/stop`, { mode: "fast" }));
          await agent.stop(member, "fast");
        }
        ctx.command(agent.curl("POST", `/v1/members/${member}/start`, { primary }));
        await agent.start(member, primary);
        const diverged = async () => {
          why = await divergence(d, member, primary).catch(() => null);
          return why !== null;
        };
        if (await waitStreaming(ctx, d, member, primary, d.opts.rejoinTimeoutMs, diverged)) return `${member} restarted as a standby of ${primary} and streams`;
        why ??= `it did not stream from ${primary} within ${Math.round(d.opts.rejoinTimeoutMs / 1000)} s`;
      } catch (err) {
        // a stopped run must not go on to wipe and re-clone the member
        rethrowIfStopped(ctx, err);
        why = `restarting it as a standby failed (${errorText(err)})`;
      }
    }
  }
  ctx.signal.throwIfAborted();
  if (why) ctx.log(`${why}: re-cloning ${member} from ${primary}`);
  ctx.command(agent.curl("POST", `/v1/members/${member}/reclone`, { primary }));
  const r = await agent.reclone(member, primary);
  ctx.log(`${member} re-cloned from ${primary} in ${Math.round(r.ms)} ms`);
  if (!(await waitStreaming(ctx, d, member, primary, d.opts.recloneTimeoutMs))) throw new Error(`${member} was re-cloned from ${primary} but does not stream`);
  return `${member} re-cloned from ${primary} and streams`;
}
