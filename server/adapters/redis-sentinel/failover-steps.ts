import type { StepContext, StepDef } from "@/server/failover/types";
import { NeedsAttention } from "@/server/failover/types";
import { memberName, sameAddr, type HostPort } from "./client";
import { addrOf, agreement, masterPerSentinel, orPark, orRelease, publishedMaster, redisState, run, waitFor, type Deps } from "./common";
import { flagsOf, nodeAt, nodeState, offsetOf, replicaMaster, topology } from "./observe";
import { requestFailover } from "./promote";

/**
 * Unplanned failover: the master is gone. Sentinels may already be failing
 * over on their own (down-after-milliseconds, quorum, leader election);
 * SENTINEL FAILOVER skips that wait. Either way the steps follow what the
 * sentinels publish, and a returning old master is made a replica (the
 * sentinels would too, after a while).
 *
 * A master Bulwark itself reaches as role master is not gone, whatever a
 * sentinel flags: forcing a failover on it would throw away the writes it
 * acknowledges meanwhile, so confirm_down refuses (a planned switchover is
 * the way) and promote checks again before every request.
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
      const publishingOld = t.views.filter((v) => sameAddr(v.master, old));
      // asked directly when the sentinels' lists do not name it (a sentinel that moved on no longer lists it as master)
      const n = nodeAt(t, old) ?? (await nodeState(deps.clients, old, 1000));
      const flags = flagsOf(publishingOld[0] ?? t.views[0]);
      if (n.info?.role === "master" && publishingOld.length > 0)
        throw new Error(
          `master ${memberName(old)} answers as a master (sentinel flags: ${flags.join(",") || "none"}): a forced failover would lose the writes it acknowledges meanwhile; use a planned switchover; nothing changed`,
        );
      if (publishingOld.length > 0) {
        const okPingAgo = Number(publishingOld[0]?.masterFields["last-ok-ping-reply"]);
        if (!ctx.state.primaryLostAt && Number.isFinite(okPingAgo)) patch.primaryLostAt = new Date(t.observedAt.getTime() - okPingAgo).toISOString();
        ctx.log(`${memberName(old)}: ${n.info ? `role ${n.info.role}` : `unreachable (${n.error ?? "not observed"})`}; sentinel flags ${flags.join(",") || "none"}`);
      } else if (n.info?.role === "master") {
        ctx.log(`sentinels already report ${memberName(t.master)} as master, but ${memberName(old)} still answers as a master: verify makes it a replica`);
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
    changesCluster: true,
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
        // nothing is changed before a sentinel accepts: any plain error up to then ends as NothingChanged
        await orRelease(ctx, deps, null, async () => {
          let first = true;
          await requestFailover(ctx, deps, async () => {
            const n = await nodeState(deps.clients, old, 1000);
            if (n.info?.role === "master") throw new Error(`${memberName(old)} answers as a master again: use a planned switchover`);
            if (first) await ctx.setState({ promoteRequestedAt: new Date().toISOString() });
            first = false;
            return "go";
          });
          return "";
        });
      }
      return orPark(
        ctx,
        () => `a promotion was requested; ${memberName(old)} is not fenced (it was down)`,
        async () => {
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
      );
    },
  };

  const verify: StepDef = {
    name: "verify",
    title: "Verify the new master; fence the old one if it is back",
    onResume: "rerun",
    changesCluster: true,
    run: (ctx) =>
      orPark(
        ctx,
        () => "a new master was promoted; the old master may come back as a master until the sentinels reconfigure it",
        async () => {
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
      ),
  };

  return [confirmDown, promote, verify];
}
