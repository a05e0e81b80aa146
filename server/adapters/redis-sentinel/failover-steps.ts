import type { StepContext, StepDef } from "@/server/failover/types";
import { NeedsAttention } from "@/server/failover/types";
import { memberName, sameAddr, type HostPort } from "./client";
import { addrOf, agreement, masterPerSentinel, publishedMaster, redisState, run, waitFor, type Deps } from "./common";
import { flagsOf, nodeAt, nodeState, offsetOf, replicaMaster, topology } from "./observe";
import { requestFailover } from "./steps";

/**
 * Unplanned failover: the master is gone. Sentinels may already be failing
 * over on their own (down-after-milliseconds, quorum, leader election);
 * SENTINEL FAILOVER skips that wait. Either way the steps follow what the
 * sentinels publish, and a returning old master is made a replica (the
 * sentinels would too, after a while).
 */
export function failoverSteps(deps: Deps): StepDef[] {
  const cand = (ctx: StepContext) => addrOf(ctx.op.candidate, "candidate");
  const oldMaster = (ctx: StepContext) => addrOf(redisState(ctx).oldMaster, "old master");

  const confirmDown: StepDef = {
    name: "confirm_down",
    title: "Confirm the master is down",
    onResume: "rerun",
    run: async (ctx) => {
      const t = await topology(deps.clients, deps.cfg, ctx.signal);
      if (!t.master) throw new Error(`no sentinel answered: ${t.sentinelErrors.join("; ")}`);
      const c = cand(ctx);
      const old = redisState(ctx).oldMaster ? oldMaster(ctx) : ctx.op.fromPrimary ? addrOf(ctx.op.fromPrimary, "primary") : t.master;
      const patch: Record<string, string> = { oldMaster: memberName(old) };
      if (sameAddr(t.master, old)) {
        const n = nodeAt(t, old);
        const flags = flagsOf(t.views[0]);
        if (n?.info?.role === "master" && !flags.includes("s_down") && !flags.includes("o_down"))
          throw new Error(`master ${memberName(old)} answers and accepts writes: use a planned switchover; nothing changed`);
        const okPingAgo = Number(t.views[0]?.masterFields["last-ok-ping-reply"]);
        if (!ctx.state.primaryLostAt && Number.isFinite(okPingAgo)) patch.primaryLostAt = new Date(t.observedAt.getTime() - okPingAgo).toISOString();
        ctx.log(`${memberName(old)}: ${n?.info ? `role ${n.info.role}` : `unreachable (${n?.error ?? "not observed"})`}; sentinel flags ${flags.join(",") || "none"}`);
      } else {
        ctx.log(`sentinels already report ${memberName(t.master)} as master`);
      }
      const cn = nodeAt(t, c) ?? (await nodeState(deps.clients, c));
      if (!cn.info) throw new Error(`candidate ${memberName(c)} is unreachable: ${cn.error}; nothing changed`);
      const co = offsetOf(cn);
      if (co !== null) patch.candidatePositionAtPromote = co.toString();
      await ctx.setState(patch);
      return `${memberName(old)} is down; candidate ${memberName(c)} (${cn.info.role}) at offset ${co ?? "?"}`;
    },
  };

  const promote: StepDef = {
    name: "promote",
    title: "Promote a replica through the sentinels",
    onResume: "rerun",
    run: async (ctx) => {
      const old = oldMaster(ctx);
      const c = cand(ctx);
      const st = redisState(ctx);
      const before = await publishedMaster(deps);
      if (before.master && !sameAddr(before.master, old)) {
        await ctx.setState({ promotedAt: st.promotedAt ?? new Date().toISOString() });
        return `sentinels had already promoted ${memberName(before.master)}`;
      }
      if (st.promoteRequestedAt) {
        if (!flagsOf(before.views[0]).includes("failover_in_progress"))
          throw new NeedsAttention(`promotion was requested at ${st.promoteRequestedAt} by a run that died; sentinels still report ${memberName(old)} and no failover in progress`);
        ctx.log("resumed: following the failover in progress");
      } else {
        await ctx.setState({ promoteRequestedAt: new Date().toISOString() });
        await requestFailover(ctx, deps, null);
      }
      const started = Date.now();
      let winner: HostPort | null = null;
      const problem = await waitFor(ctx, deps.opts.promoteTimeoutMs, 20, async () => {
        const answers = await Promise.allSettled(deps.cfg.sentinels.map((s) => masterPerSentinel(deps, s)));
        winner = answers.flatMap((a) => (a.status === "fulfilled" && a.value && !sameAddr(a.value, old) ? [a.value] : []))[0] ?? null;
        if (!winner) return "not published yet";
        const role = (await deps.clients.info(winner, "replication", 1000)).role;
        return role === "master" ? null : `published ${memberName(winner)}, which reports role ${role}`;
      });
      if (problem || !winner) throw new NeedsAttention(`no new master published within ${deps.opts.promoteTimeoutMs} ms (${problem})`);
      const w: HostPort = winner;
      if (!sameAddr(w, c)) ctx.log(`sentinels promoted ${memberName(w)} rather than the requested ${memberName(c)}`);
      await ctx.setState({ promotedAt: new Date().toISOString(), newMaster: memberName(w) });
      return `sentinels publish ${memberName(w)} as master after ${Date.now() - started} ms`;
    },
  };

  const verify: StepDef = {
    name: "verify",
    title: "Verify the new master; fence the old one if it is back",
    onResume: "rerun",
    run: async (ctx) => {
      const old = oldMaster(ctx);
      let summary = "";
      const problem = await waitFor(ctx, deps.opts.verifyTimeoutMs, 200, async () => {
        const { master, views } = await publishedMaster(deps);
        if (!master || sameAddr(master, old)) return "sentinels still publish the old master";
        const disagree = agreement(views, master);
        if (disagree) return disagree;
        const mi = await nodeState(deps.clients, master);
        if (mi.info?.role !== "master") return `${memberName(master)} reports role ${mi.info?.role ?? mi.error}`;
        const on = await nodeState(deps.clients, old);
        if (!on.info) {
          summary = `${memberName(old)} is down; the sentinels make it a replica when it returns`;
        } else if (on.info.role === "master") {
          // back with stale data: stop it taking writes before a client finds it
          await run(ctx, deps, old, ["REPLICAOF", master.host, String(master.port)]);
          await run(ctx, deps, old, ["CLIENT", "KILL", "TYPE", "normal"]);
          return `${memberName(old)} was back as a master; made it a replica`;
        } else {
          summary = sameAddr(replicaMaster(on), master) ? `${memberName(old)} is back as its replica` : `${memberName(old)} replicates ${on.info.master_host}:${on.info.master_port}`;
        }
        summary = `${memberName(master)} is master (sentinels agree); ${summary}`;
        return null;
      });
      if (problem) throw new NeedsAttention(`verify: ${problem}`);
      await ctx.setState({ rejoinPending: false });
      return summary;
    },
  };

  return [confirmDown, promote, verify];
}
