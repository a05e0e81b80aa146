import type { AgentStopResult } from "@/server/failover/agent-protocol";
import { NeedsAttention, NothingChanged, type StepContext, type StepDef } from "@/server/failover/types";
import { formatLsn, lsnDiff, parseLsn } from "@/server/failover/lsn";
import type { Replica } from "./observe";
import { rejoinWithAgent } from "./rejoin";
import {
  type Deps, errorText, memberOf, names, pollUntil, promoteCandidate, rethrowIfStopped, sqlFence, sqlOn, sqlUnfence, verifySoleWritable,
} from "./steps-common";

/**
 * Planned switchover, zero acknowledged writes lost: fence the old primary,
 * wait until the candidate has replayed everything it ever acknowledged,
 * promote, then bring the old primary back as a standby.
 *
 * The fence is a fast shutdown when a host agent is configured: walsenders
 * ship all WAL up to and including the shutdown checkpoint, and wait for the
 * standby to confirm it, before the postmaster exits — so the old primary can
 * later follow the new timeline without a rewind. Without an agent the fence
 * is SQL (read-only by default + end client sessions) and a person rejoins it.
 *
 * Every step from the fence on changes the cluster (changesCluster): a plain
 * error there parks the operation. A step that put the cluster back (a
 * catch-up timeout un-fences) or never touched it throws NothingChanged.
 */
const oldPrimaryOf = (ctx: StepContext): string => {
  const p = (ctx.state.oldPrimary as string | undefined) ?? ctx.op.fromPrimary;
  if (!p) throw new Error("the old primary is not known (preflight did not record it)");
  return p;
};

const preflight = (d: Deps): StepDef => ({
  name: "preflight",
  title: "Check the primary and the candidate",
  onResume: "rerun",
  run: async (ctx) => {
    const obs = await d.observe(ctx.signal);
    const cand = memberOf(obs, ctx.op.candidate);
    const writable = obs.members.filter((m) => m.writable);
    if (writable.length !== 1) throw new Error(`expected exactly one writable primary, found ${writable.length ? names(writable) : "none"}`);
    const primary = writable[0]!;
    if (ctx.op.fromPrimary && primary.name !== ctx.op.fromPrimary) throw new Error(`the primary is now ${primary.name}, not ${ctx.op.fromPrimary} as when this was requested`);
    if (primary.name === cand.name) throw new Error(`${cand.name} is already the primary`);
    if (cand.role !== "standby") throw new Error(`candidate ${cand.name} is ${cand.role}, not a standby`);
    const sysP = primary.details.systemIdentifier;
    if (cand.details.systemIdentifier !== sysP) throw new Error(`candidate ${cand.name} belongs to another cluster (system identifier ${String(cand.details.systemIdentifier)} ≠ ${String(sysP)})`);
    const row = ((primary.details.replicas as Replica[] | null) ?? []).find((r) => r.name === cand.name);
    const streaming = cand.healthy && (!row || row.state === "streaming");
    if (!streaming) throw new Error(`candidate ${cand.name} is not streaming from ${primary.name}: ${cand.message ?? row?.state ?? "no replication row"}`);
    if (cand.details.replayPaused) throw new Error(`candidate ${cand.name} has WAL replay paused`);
    const lag = cand.lagBytes ?? 0;
    if (lag > ctx.cluster.maxLagBytes) throw new Error(`candidate ${cand.name} is ${lag} bytes behind (limit ${ctx.cluster.maxLagBytes})`);
    await ctx.setState({ oldPrimary: primary.name, timelineBefore: primary.timeline, systemIdentifier: sysP, fenceMode: d.agent ? "stop" : "sql" });
    return `${primary.name} is the primary (timeline ${primary.timeline ?? "?"}, ${primary.position ?? "?"}); ${cand.name} streams from it, ${lag} bytes behind`;
  },
});

const checkpoint = (d: Deps): StepDef => ({
  name: "checkpoint",
  title: "Checkpoint the primary",
  onResume: "rerun",
  run: async (ctx) => {
    const old = oldPrimaryOf(ctx);
    const t0 = performance.now();
    // The fast shutdown writes a checkpoint of its own: this makes that one short.
    await sqlOn(ctx, d, old, "CHECKPOINT");
    return `checkpoint on ${old} took ${Math.round(performance.now() - t0)} ms`;
  },
});

/**
 * Why a clean fast shutdown with the candidate's walsender streaming is
 * enough to know the candidate has every acknowledged commit: the postmaster
 * only exits once the checkpointer wrote the shutdown checkpoint and every
 * walsender finished — and a walsender in WalSndDone() exits only when the
 * standby has confirmed flushing all WAL up to the end of that checkpoint
 * record. So after a clean stop (exit code 0 after SIGINT, not killed) whose
 * walsender to the candidate was streaming, the candidate received everything.
 * If the walsender drops out during the shutdown the postmaster exits without
 * it: the catch-up then also requires the candidate to have received past the
 * shutdown checkpoint record when the agent reads its LSN from pg_control, and
 * past the fence LSN (the record starts at or after it) when it cannot.
 */
const walsenderOf = (cand: string) =>
  `SELECT pg_current_wal_insert_lsn(), state FROM pg_stat_replication WHERE application_name = '${cand}'`;

async function stopped(ctx: StepContext, old: string, r: AgentStopResult, how: string): Promise<string> {
  await ctx.setState({ fencedAt: r.stoppedAt, fenceClean: r.clean ?? null, shutdownCheckpointLsn: r.checkpointLsn ?? null });
  if (r.clean !== true) {
    const why = r.clean === false ? `its shutdown was not clean (exit code ${r.exitCode ?? "none"}: killed, crashed or timed out)` : "the agent did not say whether its shutdown was clean";
    throw new NeedsAttention(
      `${old} is stopped but ${why}, so its last WAL may not have reached ${ctx.op.candidate}; nothing was promoted. Starting ${old} again (crash recovery keeps every acknowledged write) cancels the switchover; promote ${ctx.op.candidate} only after comparing ${old}'s last WAL with what it received.`,
    );
  }
  const cp = r.checkpointLsn ? `, shutdown checkpoint at ${r.checkpointLsn}` : "";
  return `${old} ${how}; fence LSN ${ctx.state.fenceLsn ?? "?"}${cp}`;
}

const fence = (d: Deps): StepDef => ({
  name: "fence",
  title: "Stop writes on the old primary",
  onResume: "rerun",
  changesCluster: true,
  run: async (ctx) => {
    const old = oldPrimaryOf(ctx);
    const cand = ctx.op.candidate;
    if (!d.agent) {
      const lsn = await sqlFence(ctx, d, old, "unfence");
      await ctx.setState({ fenceLsn: lsn, fencedAt: new Date().toISOString() });
      return `${old} is read-only and its earlier sessions are gone; fence LSN ${lsn} (flushed)`;
    }
    const agent = d.agent;
    let pre: { lsn: string; state: string | null } | undefined;
    try {
      [pre] = await d.conns.run(old, "admin", (sql) => sql<{ lsn: string; state: string | null }[]>`
        select pg_current_wal_insert_lsn()::text as lsn,
          (select state from pg_stat_replication where application_name = ${cand} order by state = 'streaming' desc limit 1) as state`);
    } catch (err) {
      rethrowIfStopped(ctx, err);
      // fenceLsn is saved right before the stop: without it no run of this step has stopped anything yet
      const am = ctx.state.fenceLsn ? await agent.member(old) : undefined;
      if (am && !am.running && ctx.state.fenceLsn) {
        // An earlier run of this step stopped it: ask how that stop ended.
        ctx.command(agent.curl("POST", `/v1/members/${old}/stop`, { mode: "fast" }));
        return stopped(ctx, old, await agent.stop(old, "fast"), "was already stopped");
      }
      const msg = `cannot read ${old}'s WAL position before stopping it: ${errorText(err)}`;
      // an earlier run got as far as the stop request and the member still runs: what it did is not known
      if (ctx.state.fenceLsn) throw new Error(msg);
      throw new NothingChanged(msg);
    }
    if (!pre) throw new NothingChanged(`${old} returned no WAL position`);
    ctx.command(d.conns.psql(old, walsenderOf(cand)));
    if (pre.state !== "streaming") {
      throw new NothingChanged(
        `${old} has ${pre.state ? `a walsender in state "${pre.state}"` : "no walsender"} for ${cand} (application_name ${cand}); not stopping ${old}, its last WAL might not reach ${cand}`,
      );
    }
    await ctx.setState({ fenceLsn: pre.lsn });
    ctx.command(agent.curl("POST", `/v1/members/${old}/stop`, { mode: "fast" }));
    const t0 = performance.now();
    const r = await agent.stop(old, "fast");
    return stopped(ctx, old, r, `stopped (fast shutdown, clean) in ${Math.round(performance.now() - t0)} ms with ${cand} streaming`);
  },
});

/** Puts the old primary back as it was, so a failed switchover changes nothing. */
async function unfence(ctx: StepContext, d: Deps, old: string): Promise<string> {
  if (!d.agent) {
    await sqlUnfence(ctx, d, old);
    return `${old} accepts writes again`;
  }
  const am = await d.agent.member(old);
  if (am?.running) return `${old} is running`;
  ctx.command(d.agent.curl("POST", `/v1/members/${old}/start`, {}));
  await d.agent.start(old);
  return `${old} restarted as the primary`;
}

type Positions = { rec: boolean; receive: string | null; replay: string | null };

const catchUp = (d: Deps): StepDef => ({
  name: "catch_up",
  title: "Wait for the candidate to replay the old primary's last WAL",
  onResume: "rerun",
  changesCluster: true,
  run: async (ctx) => {
    const old = oldPrimaryOf(ctx);
    const cand = ctx.op.candidate;
    if (!ctx.state.fenceLsn) throw new Error("no fence LSN recorded");
    const fenceLsn = parseLsn(ctx.state.fenceLsn);
    const stop = ctx.state.fenceMode === "stop";
    // After a stop nothing more can arrive: the received position must have stopped moving and lie past the
    // start of the shutdown checkpoint record (see walsenderOf above) — the checkpoint LSN, else at or after the fence LSN.
    const checkpoint = typeof ctx.state.shutdownCheckpointLsn === "string" ? parseLsn(ctx.state.shutdownCheckpointLsn) : null;
    const past = stop ? (checkpoint !== null && checkpoint > fenceLsn ? checkpoint : fenceLsn) : null;
    const target = past !== null ? `past ${formatLsn(past)}${checkpoint !== null ? " (shutdown checkpoint)" : ""}` : `at ${ctx.state.fenceLsn}`;
    const statement = "SELECT pg_is_in_recovery(), pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()";
    ctx.command(`${d.conns.psql(cand, statement)}   # every 5 ms`);
    let last: Positions | null = null;
    let prevReceive: string | null = null;
    const t0 = performance.now();
    let done: Positions | null;
    try {
      done = await pollUntil(ctx, 5, d.opts.catchUpTimeoutMs, async () => {
        const [r] = await d.conns.run(cand, "admin", (sql) =>
          sql<Positions[]>`select pg_is_in_recovery() as rec, pg_last_wal_receive_lsn()::text as receive, pg_last_wal_replay_lsn()::text as replay`,
        );
        if (!r) return null;
        if (!r.rec) throw new NeedsAttention(`${cand} left recovery before it was promoted by this operation`);
        last = r;
        const stable = !stop || (prevReceive !== null && prevReceive === r.receive);
        prevReceive = r.receive;
        if (r.receive === null || r.replay === null || r.receive !== r.replay) return null;
        const replay = parseLsn(r.replay);
        const reached = past !== null ? replay > past : replay >= fenceLsn;
        return reached && stable ? r : null;
      });
    } catch (err) {
      if (err instanceof NeedsAttention) throw err;
      rethrowIfStopped(ctx, err);
      done = null;
    }
    const ms = Math.round(performance.now() - t0);
    if (!done) {
      // pollUntil returns null only on its deadline; a stopped run threw above. Check again right before acting.
      ctx.signal.throwIfAborted();
      const seen = last as Positions | null;
      const what = `${cand} did not replay ${old}'s WAL ${target} within ${Math.round(d.opts.catchUpTimeoutMs / 1000)} s (received ${seen?.receive ?? "?"}, replayed ${seen?.replay ?? "?"})`;
      ctx.log(what);
      let undone: string;
      try {
        undone = await unfence(ctx, d, old);
      } catch (err) {
        rethrowIfStopped(ctx, err);
        throw new NeedsAttention(`${what}; un-fencing ${old} failed too (${errorText(err)}): nothing was promoted and no member may accept writes`);
      }
      throw new NothingChanged(`${what}; ${undone}, nothing promoted`);
    }
    const gap = lsnDiff(parseLsn(done.replay ?? "0/0"), fenceLsn);
    ctx.log(`candidate replayed ${done.replay} (fence ${ctx.state.fenceLsn}${checkpoint !== null ? `, shutdown checkpoint ${formatLsn(checkpoint)}` : ""}) after ${ms} ms`);
    return `${cand} replayed ${done.replay}, ${gap} bytes past the fence LSN ${formatLsn(fenceLsn)}, in ${ms} ms`;
  },
});

const promote = (d: Deps): StepDef => ({
  name: "promote",
  title: "Promote the candidate",
  onResume: "rerun",
  changesCluster: true,
  run: (ctx) => promoteCandidate(ctx, d),
});

const rejoin = (d: Deps): StepDef => ({
  name: "rejoin",
  title: "Rejoin the old primary as a standby",
  onResume: "rerun",
  changesCluster: true,
  run: async (ctx) => {
    const old = oldPrimaryOf(ctx);
    const cand = ctx.op.candidate;
    await verifySoleWritable(ctx, d, cand);
    // Standbys besides the candidate followed the old primary; they are re-pointed the same way.
    const others = d.conns.members.map((m) => m.name).filter((n) => n !== cand && n !== old);
    if (!d.agent) {
      await ctx.setState({ rejoinPending: true });
      const alsoOthers = others.length ? `; re-point ${others.join(", ")} at ${cand} too` : "";
      throw new NeedsAttention(
        `promoted ${cand}; ${old} is fenced read-only — rejoin it as a standby of ${cand} (standby.signal + primary_conninfo, pg_rewind or a fresh copy), then ALTER SYSTEM RESET default_transaction_read_only on it${alsoOthers}`,
      );
    }
    const out = [await rejoinWithAgent(ctx, d, d.agent, old, cand, "restart")];
    for (const n of others) out.push(await rejoinWithAgent(ctx, d, d.agent, n, cand, "restart"));
    await ctx.setState({ rejoined: true, rejoinPending: false });
    return out.join("; ");
  },
});

const verify = (d: Deps): StepDef => ({
  name: "verify",
  title: "Verify roles and replication",
  onResume: "rerun",
  changesCluster: true,
  run: async (ctx) => {
    const old = oldPrimaryOf(ctx);
    const cand = ctx.op.candidate;
    const obs = await verifySoleWritable(ctx, d, cand);
    const p = memberOf(obs, cand);
    const before = typeof ctx.state.timelineBefore === "number" ? ctx.state.timelineBefore : null;
    if (before !== null && (p.timeline === null || p.timeline <= before)) throw new Error(`${cand}'s timeline is ${p.timeline ?? "unknown"}, not above ${before}`);
    let standby = "";
    if (ctx.state.rejoined) {
      // pg_stat_replication lists a reconnected standby a moment after it streams.
      const o = await pollUntil(ctx, 50, 10_000, async () => {
        const m = memberOf(await d.observe(ctx.signal), old);
        return m.role === "standby" && m.healthy ? m : null;
      });
      if (!o) throw new Error(`${old} is not streaming from ${cand}`);
      standby = `; ${old} streams from it (${o.syncState ?? "?"}, ${o.lagBytes ?? "?"} bytes behind)`;
    }
    return `${cand} is the only writable member, timeline ${before ?? "?"} → ${p.timeline ?? "?"}${standby}`;
  },
});

export const switchoverSteps = (d: Deps): StepDef[] => [preflight(d), checkpoint(d), fence(d), catchUp(d), promote(d), rejoin(d), verify(d)];
