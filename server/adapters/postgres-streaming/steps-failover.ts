import { NeedsAttention, type MemberObservation, type StepContext, type StepDef } from "@/server/failover/types";
import { rejoinWithAgent } from "./rejoin";
import { errorText, memberOf, names, promoteCandidate, sqlFence, verifySoleWritable, type Deps } from "./steps-common";

/**
 * Unplanned failover: the primary is gone. Confirm it does not accept writes,
 * fence it if it can still be reached, promote the most advanced standby
 * (chosen at request), then re-clone the old primary from the new one — its
 * WAL may have gone past what the standby received, and without pg_rewind a
 * fresh copy is the only safe way back.
 */

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

const fence = (d: Deps): StepDef => ({
  name: "fence",
  title: "Fence the old primary if reachable",
  onResume: "rerun",
  run: async (ctx) => {
    const olds = oldPrimaries(ctx, []);
    const out: string[] = [];
    for (const old of olds) {
      if (d.agent) {
        const am = await d.agent.member(old).catch((err: unknown) => {
          ctx.log(`agent: ${errorText(err)}`);
          return undefined;
        });
        if (am && !am.running) {
          out.push(`${old} is not running`);
          continue;
        }
        try {
          ctx.command(d.agent.curl("POST", `/v1/members/${old}/stop`, { mode: "immediate" }));
          await d.agent.stop(old, "immediate");
          out.push(`${old} stopped (immediate)`);
        } catch (err) {
          ctx.log(`stopping ${old} failed (${errorText(err)}); killing it`);
          ctx.command(d.agent.curl("POST", `/v1/members/${old}/kill`, {}));
          await d.agent.kill(old);
          out.push(`${old} killed`);
        }
        continue;
      }
      try {
        const lsn = await sqlFence(ctx, d, old);
        out.push(`${old} reachable: fenced read-only at ${lsn}`);
      } catch (err) {
        out.push(`${old} unreachable (${errorText(err)}): not fenced`);
      }
    }
    return out.join("; ") || "no old primary to fence";
  },
});

const promote = (d: Deps): StepDef => ({
  name: "promote",
  title: "Promote the most advanced standby",
  onResume: "rerun",
  run: (ctx) => promoteCandidate(ctx, d),
});

const verify = (d: Deps): StepDef => ({
  name: "verify",
  title: "Verify the new primary accepts writes",
  onResume: "rerun",
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
  run: async (ctx) => {
    const cand = ctx.op.candidate;
    const olds = oldPrimaries(ctx, []);
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
