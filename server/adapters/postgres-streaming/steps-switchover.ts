import { NeedsAttention, type StepContext, type StepDef } from "@/server/failover/types";
import { formatLsn, lsnDiff, parseLsn } from "./lsn";
import type { Replica } from "./observe";
import { rejoinWithAgent } from "./rejoin";
import {
  type Deps, errorText, memberOf, names, pollUntil, promoteCandidate, sqlFence, sqlOn, sqlUnfence, verifySoleWritable,
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

const fence = (d: Deps): StepDef => ({
  name: "fence",
  title: "Stop writes on the old primary",
  onResume: "rerun",
  run: async (ctx) => {
    const old = oldPrimaryOf(ctx);
    if (!d.agent) {
      const lsn = await sqlFence(ctx, d, old);
      await ctx.setState({ fenceLsn: lsn, fencedAt: new Date().toISOString() });
      return `${old} is read-only; fence LSN ${lsn}`;
    }
    const agent = d.agent;
    let lsn: string | undefined;
    try {
      const [r] = await d.conns.run(old, "admin", (sql) => sql<{ lsn: string }[]>`select pg_current_wal_insert_lsn()::text as lsn`);
      lsn = r?.lsn;
    } catch (err) {
      const am = await agent.member(old);
      if (am && !am.running && ctx.state.fenceLsn) return `${old} was already stopped at ${ctx.state.fenceLsn}`;
      throw new Error(`cannot read ${old}'s WAL position before stopping it: ${errorText(err)}`);
    }
    if (!lsn) throw new Error(`${old} returned no WAL position`);
    await ctx.setState({ fenceLsn: lsn });
    ctx.command(d.conns.psql(old, "SELECT pg_current_wal_insert_lsn()"));
    ctx.command(agent.curl("POST", `/v1/members/${old}/stop`, { mode: "fast" }));
    const t0 = performance.now();
    const r = await agent.stop(old, "fast");
    await ctx.setState({ fencedAt: r.stoppedAt });
    return `${old} stopped (fast shutdown) in ${Math.round(performance.now() - t0)} ms; fence LSN ${lsn}`;
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
  run: async (ctx) => {
    const old = oldPrimaryOf(ctx);
    const cand = ctx.op.candidate;
    if (!ctx.state.fenceLsn) throw new Error("no fence LSN recorded");
    const fenceLsn = parseLsn(ctx.state.fenceLsn);
    // With a fast shutdown everything was shipped before the postmaster exited: the received position must also have stopped moving.
    const needStable = ctx.state.fenceMode === "stop";
    const statement = "SELECT pg_is_in_recovery(), pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()";
    ctx.command(`${d.conns.psql(cand, statement)}   # every 5 ms`);
    let last: Positions | null = null;
    let prevReceive: string | null = null;
    const t0 = performance.now();
    const done = await pollUntil(ctx, 5, d.opts.catchUpTimeoutMs, async () => {
      const [r] = await d.conns.run(cand, "admin", (sql) =>
        sql<Positions[]>`select pg_is_in_recovery() as rec, pg_last_wal_receive_lsn()::text as receive, pg_last_wal_replay_lsn()::text as replay`,
      );
      if (!r) return null;
      if (!r.rec) throw new NeedsAttention(`${cand} left recovery before it was promoted by this operation`);
      last = r;
      const stable = !needStable || (prevReceive !== null && prevReceive === r.receive);
      prevReceive = r.receive;
      if (r.receive === null || r.replay === null || r.receive !== r.replay) return null;
      return parseLsn(r.replay) >= fenceLsn && stable ? r : null;
    }).catch((err: unknown) => {
      if (err instanceof NeedsAttention) throw err;
      return null;
    });
    const ms = Math.round(performance.now() - t0);
    if (!done) {
      const seen = last as Positions | null;
      const what = `${cand} did not replay ${old}'s fence LSN ${ctx.state.fenceLsn} within ${Math.round(d.opts.catchUpTimeoutMs / 1000)} s (received ${seen?.receive ?? "?"}, replayed ${seen?.replay ?? "?"})`;
      ctx.log(what);
      let undone: string;
      try {
        undone = await unfence(ctx, d, old);
      } catch (err) {
        throw new NeedsAttention(`${what}; un-fencing ${old} failed too (${errorText(err)}): nothing was promoted and no member may accept writes`);
      }
      throw new Error(`${what}; ${undone}, nothing promoted`);
    }
    const gap = lsnDiff(parseLsn(done.replay ?? "0/0"), fenceLsn);
    ctx.log(`candidate replayed ${done.replay} (fence ${ctx.state.fenceLsn}) after ${ms} ms`);
    return `${cand} replayed ${done.replay}, ${gap} bytes past the fence LSN ${formatLsn(fenceLsn)}, in ${ms} ms`;
  },
});

const promote = (d: Deps): StepDef => ({
  name: "promote",
  title: "Promote the candidate",
  onResume: "rerun",
  run: (ctx) => promoteCandidate(ctx, d),
});

const rejoin = (d: Deps): StepDef => ({
  name: "rejoin",
  title: "Rejoin the old primary as a standby",
  onResume: "rerun",
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
