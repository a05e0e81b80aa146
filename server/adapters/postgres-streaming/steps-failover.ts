import { NeedsAttention, type MemberObservation, type StepContext, type StepDef } from "@/server/failover/types";
import type { AgentMember } from "@/server/failover/agent-protocol";
import type { AgentClient } from "./agent-client";
import { rejoinWithAgent } from "./rejoin";
import { errorText, memberOf, names, promoteCandidate, reachText, rethrowIfStopped, sqlFence, verifySoleWritable, type Deps } from "./steps-common";

/**
 * Unplanned failover: the primary is gone. Confirm it does not accept writes,
 * fence it if it can still be reached, promote the most advanced standby
 * (chosen at request), then re-clone the old primary from the new one — its
 * WAL may have gone past what the standby received, and without pg_rewind a
 * fresh copy is the only safe way back.
 *
 * An old primary that could not be fenced (unreachable: down, or cut off by a
 * partition) does not stop the promotion — the operator asked for a failover
 * knowing the primary was gone — but the operation then ends needing
 * attention instead of succeeded: if it was only cut off it may come back as
 * a second primary. Every step from the fence on changes the cluster.
 */
type Unfenced = { name: string; why: string };

const unfencedOf = (ctx: StepContext): Unfenced[] =>
  Array.isArray(ctx.state.unfenced) ? (ctx.state.unfenced as Unfenced[]).filter((u) => typeof u?.name === "string") : [];

/** The member(s) that were the primary: the one named at request, else every non-candidate that is not a standby. */
function oldPrimaries(ctx: StepContext, members: MemberObservation[]): string[] {
  const recorded = ctx.state.oldPrimaries;
  if (Array.isArray(recorded)) return recorded.filter((x): x is string => typeof x === "string");
  if (ctx.op.fromPrimary) return [ctx.op.fromPrimary];
  return members.filter((m) => m.name !== ctx.op.candidate && m.role !== "standby").map((m) => m.name);
}

const confirm = (d: Deps): StepDef => ({
  name: "confirm",
  title: "Confirm the primary is down",
  onResume: "rerun",
  run: async (ctx) => {
    const obs = await d.observe(ctx.signal);
    const cand = memberOf(obs, ctx.op.candidate);
    const writable = obs.members.filter((m) => m.writable && m.name !== cand.name);
    if (writable.length) throw new Error(`the primary is up (${names(writable)} accepts writes); use a switchover`);
    if (cand.role === "down") throw new Error(`candidate ${cand.name} is unreachable: ${cand.message ?? "no answer"}`);
    const olds = oldPrimaries(ctx, obs.members);
    const patch: Record<string, unknown> = { oldPrimaries: olds };
    if (!ctx.state.primaryLostAt) patch.primaryLostAt = obs.observedAt.toISOString();
    await ctx.setState(patch);
    const lines = olds.map((n) => {
      const m = memberOf(obs, n);
      return `${n}: ${m.role}${m.message ? ` (${m.message})` : ""}`;
    });
    const known = ctx.state.oldPrimaryPosition ? `last known at ${ctx.state.oldPrimaryPosition}` : "its last position is unknown";
    ctx.log(`old primary ${lines.join("; ") || "unknown"}; ${known}; ${cand.name} ${cand.role} at ${cand.position ?? "?"}`);
    return `no member accepts writes; ${cand.name} (${cand.role}, ${cand.position ?? "?"}) will be promoted`;
  },
});

/** Stops (else kills) the old primary through the agent; null when the agent could do neither. */
async function agentFence(ctx: StepContext, agent: AgentClient, old: string): Promise<string | null> {
  let am: AgentMember | undefined;
  try {
    am = await agent.member(old);
  } catch (err) {
    rethrowIfStopped(ctx, err);
    ctx.log(`agent: ${errorText(err)}`);
  }
  if (am && !am.running) return `${old} is not running`;
  try {
    ctx.command(agent.curl("POST", `/v1/members/${old}/stop`, { mode: "immediate" }));
    await agent.stop(old, "immediate");
    return `${old} stopped (immediate)`;
  } catch (err) {
    rethrowIfStopped(ctx, err);
    ctx.log(`stopping ${old} failed (${errorText(err)}); killing it`);
  }
  try {
    ctx.command(agent.curl("POST", `/v1/members/${old}/kill`, {}));
    await agent.kill(old);
    return `${old} killed`;
  } catch (err) {
    rethrowIfStopped(ctx, err);
    ctx.log(`killing ${old} failed (${errorText(err)})`);
    return null;
  }
}

const fence = (d: Deps): StepDef => ({
  name: "fence",
  title: "Fence the old primary if reachable",
  onResume: "rerun",
  changesCluster: true,
  run: async (ctx) => {
    const olds = oldPrimaries(ctx, []);
    const out: string[] = [];
    const unfenced: Unfenced[] = [];
    for (const old of olds) {
      if (d.agent) {
        const done = await agentFence(ctx, d.agent, old);
        if (done) {
          out.push(done);
          continue;
        }
        ctx.log(`the agent could not stop ${old}; trying the SQL fence`);
      }
      try {
        const lsn = await sqlFence(ctx, d, old, "leave");
        out.push(`${old} reachable: fenced read-only at ${lsn}`);
      } catch (err) {
        rethrowIfStopped(ctx, err);
        const why = reachText(err);
        ctx.log(`${old} could not be fenced: ${errorText(err)}`);
        unfenced.push({ name: old, why });
        out.push(`${old} ${why === "unreachable" ? "unreachable" : `could not be fenced (${why})`}: not fenced`);
      }
    }
    await ctx.setState({ unfenced });
    return out.join("; ") || "no old primary to fence";
  },
});

const promote = (d: Deps): StepDef => ({
  name: "promote",
  title: "Promote the most advanced standby",
  onResume: "rerun",
  changesCluster: true,
  run: (ctx) => promoteCandidate(ctx, d),
});

const verify = (d: Deps): StepDef => ({
  name: "verify",
  title: "Verify the new primary accepts writes",
  onResume: "rerun",
  changesCluster: true,
  run: async (ctx) => {
    const obs = await verifySoleWritable(ctx, d, ctx.op.candidate);
    const p = memberOf(obs, ctx.op.candidate);
    const gap = typeof ctx.state.lsnGapBytes === "number" ? `; ${ctx.state.lsnGapBytes} bytes of WAL behind the old primary's last known position` : "";
    return `${p.name} is the only writable member (timeline ${p.timeline ?? "?"}, ${p.position ?? "?"})${gap}`;
  },
});

const rejoin = (d: Deps): StepDef => ({
  name: "rejoin",
  title: "Re-clone the old primary as a standby",
  onResume: "rerun",
  changesCluster: true,
  run: async (ctx) => {
    const cand = ctx.op.candidate;
    const olds = oldPrimaries(ctx, []);
    const unfenced = unfencedOf(ctx);
    if (unfenced.length) {
      // Comes after verify on purpose: the promotion is recorded as done before the operation parks.
      await ctx.setState({ rejoinPending: true });
      const one = unfenced.length === 1;
      const who = unfenced.map((u) => `${u.name} (${u.why})`).join(", ");
      throw new NeedsAttention(
        `promoted ${cand}; could not fence ${who}: make sure ${one ? "it is" : "they are"} down, and rejoin ${one ? "it" : "them"} as a standby of ${cand}, before ${one ? "it comes" : "they come"} back`,
      );
    }
    if (!d.agent) {
      await ctx.setState({ rejoinPending: true });
      throw new NeedsAttention(
        `promoted ${cand}; ${olds.join(", ") || "the old primary"} must be rebuilt as a standby of ${cand} (its WAL may have diverged: pg_rewind or a fresh copy), and must not be started as a primary`,
      );
    }
    const out: string[] = [];
    for (const old of olds) out.push(await rejoinWithAgent(ctx, d, d.agent, old, cand, "reclone"));
    // Other standbys followed the old primary: restarting them as standbys of the candidate re-clones any that went past the fork.
    for (const m of d.conns.members) {
      if (m.name !== cand && !olds.includes(m.name)) out.push(await rejoinWithAgent(ctx, d, d.agent, m.name, cand, "restart"));
    }
    await ctx.setState({ rejoined: true, rejoinPending: false });
    return out.join("; ");
  },
});

export const failoverSteps = (d: Deps): StepDef[] => [confirm(d), fence(d), promote(d), verify(d), rejoin(d)];
