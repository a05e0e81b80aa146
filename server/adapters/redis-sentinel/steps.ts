import { NeedsAttention, type StepContext, type StepDef } from "@/server/failover/types";
import { memberName, parseMemberName, sameAddr, type HostPort } from "./client";
import { addrOf, agreement, leftBehind, msgOf, orPark, orRelease, publishedMaster, redisState, replicaAddr, restorePriorities, run, waitFor, type Deps } from "./common";
import { flagsOf, nodeAt, nodeState, offsetOf, replicaMaster, topology, type Topology } from "./observe";
import { fenceAgain, follow, offsetsMatch, refence, requestFailover } from "./promote";

/**
 * Planned switchover without losing an acknowledged write.
 *
 * A plain SENTINEL FAILOVER promotes the replica and publishes it about a
 * second later; clients keep writing to the old master meanwhile and those
 * acknowledged writes vanish when it resyncs as a replica. Here the old
 * master stops acknowledging writes *before* the candidate is promoted and
 * never acknowledges one again:
 *   pause   CLIENT PAUSE WRITE (writes queue, unanswered) and
 *           min-replicas-to-write = its connected replicas, so even if the
 *           pause lapsed (dead worker) the old master refuses writes with
 *           NOREPLICAS the moment the promoted candidate drops its link;
 *   catch_up the candidate's offset equals the paused master's;
 *   promote right before every SENTINEL FAILOVER attempt the pause is
 *           renewed and the offsets compared again (the first pause may
 *           have lapsed during catch-up, NOGOODSLAVE retries or a resume);
 *           then wait until a sentinel publishes the candidate, renewing
 *           the pause while waiting;
 *   demote  REPLICAOF <candidate> on the still-paused old master, CLIENT KILL
 *           TYPE normal (clients reconnect through the sentinels), then
 *           UNPAUSE: queued writes now get READONLY or a closed connection,
 *           never an acknowledgement.
 * Until the promotion is requested any failure puts everything back (writes
 * unpaused, min-replicas-to-write and replica priorities restored) and ends
 * as NothingChanged; after it, failures park the operation with what is left.
 */

export function candidateProblem(t: Topology, master: HostPort, cand: HostPort, maxLagBytes: number): string | null {
  const name = memberName(cand);
  if (sameAddr(master, cand)) return `${name} is already the master`;
  const first = t.views[0];
  const rep = first?.replicas.find((r) => sameAddr(replicaAddr(r), cand));
  if (!rep) return `sentinels do not list ${name} as a replica of ${memberName(master)}`;
  if (rep.flags !== "slave") return `sentinels flag ${name} as ${rep.flags}`;
  if (rep["master-link-status"] !== "ok") return `sentinels see ${name}'s replication link ${rep["master-link-status"] ?? "unknown"}`;
  if (rep["slave-priority"] === "0") return `${name} has replica-priority 0: sentinels never promote it`;
  const n = nodeAt(t, cand);
  if (!n?.info) return `${name} is unreachable: ${n?.error ?? "not observed"}`;
  if (n.info.role !== "slave") return `${name} reports role ${n.info.role}`;
  if (!sameAddr(replicaMaster(n), master)) return `${name} replicates ${n.info.master_host}:${n.info.master_port}, not ${memberName(master)}`;
  if (n.info.master_link_status !== "up") return `${name}'s replication link is ${n.info.master_link_status}`;
  const mOff = offsetOf(nodeAt(t, master));
  const cOff = offsetOf(n);
  if (mOff !== null && cOff !== null && Number(mOff - cOff) > maxLagBytes) return `${name} is ${mOff - cOff} bytes behind (limit ${maxLagBytes})`;
  return null;
}

function masterProblem(t: Topology, fromPrimary: string | null): { master: HostPort | null; problem: string | null } {
  const master = t.master;
  if (!master) return { master, problem: `no sentinel answered: ${t.sentinelErrors.join("; ")}` };
  const quorum = Number(t.views[0]?.masterFields.quorum ?? 1);
  if (t.views.length < quorum) return { master, problem: `only ${t.views.length} sentinel(s) answered, quorum is ${quorum}` };
  const disagree = agreement(t.views, master);
  if (disagree) return { master, problem: disagree };
  const flags = flagsOf(t.views[0]);
  if (flags.includes("failover_in_progress")) return { master, problem: "a failover is in progress" };
  if (flags.some((f) => f === "s_down" || f === "o_down")) return { master, problem: `sentinels flag the master ${flags.join(",")}` };
  if (fromPrimary && fromPrimary !== memberName(master)) return { master, problem: `the master is now ${memberName(master)}, not ${fromPrimary} as when the operation was requested` };
  const n = nodeAt(t, master);
  if (!n?.info) return { master, problem: `master ${memberName(master)} is unreachable: ${n?.error ?? "not observed"}` };
  if (n.info.role !== "master") return { master, problem: `${memberName(master)} reports role ${n.info.role}` };
  return { master, problem: null };
}

export function switchoverSteps(deps: Deps): StepDef[] {
  const cand = (ctx: StepContext) => addrOf(ctx.op.candidate, "candidate");
  const oldMaster = (ctx: StepContext) => addrOf(redisState(ctx).oldMaster, "old master");
  /** the old master for releasing: null when the state does not name one (then only the pin is undone) */
  const oldMasterOrNull = (ctx: StepContext) => parseMemberName(redisState(ctx).oldMaster ?? "");

  const preflight: StepDef = {
    name: "preflight",
    title: "Check the master, the candidate and the sentinels",
    onResume: "rerun",
    run: async (ctx) => {
      const c = cand(ctx);
      let master: HostPort | null = null;
      const problem = await waitFor(ctx, deps.opts.settleTimeoutMs, 250, async () => {
        const t = await topology(deps.clients, deps.cfg, ctx.signal);
        const m = masterProblem(t, ctx.op.fromPrimary);
        master = m.master;
        if (m.problem) return m.problem;
        return candidateProblem(t, m.master as HostPort, c, ctx.cluster.maxLagBytes);
      });
      if (problem || !master) throw new Error(`preflight: ${problem}`);
      await ctx.setState({ oldMaster: memberName(master) });
      return `master ${memberName(master)}, candidate ${memberName(c)} linked; sentinels agree`;
    },
  };

  const pin: StepDef = {
    name: "pin_candidate",
    title: "Make the candidate the only replica sentinels may promote",
    onResume: "rerun",
    changesCluster: true,
    run: (ctx) =>
      orRelease(ctx, deps, null, async () => {
        const c = cand(ctx);
        const t = await topology(deps.clients, deps.cfg, ctx.signal);
        const others = (t.views[0]?.replicas ?? []).map(replicaAddr).filter((a): a is HostPort => !!a && !sameAddr(a, c));
        if (others.length === 0) return "only one replica: sentinels can promote nothing else";
        const saved = { ...(redisState(ctx).savedPriorities ?? {}) };
        for (const o of others) {
          const name = memberName(o);
          if (saved[name] === undefined) {
            const got = (await deps.clients.data(o, ["CONFIG", "GET", "replica-priority"])) as string[];
            saved[name] = got[1] ?? "100";
            await ctx.setState({ savedPriorities: saved });
          }
          await run(ctx, deps, o, ["CONFIG", "SET", "replica-priority", "0"]);
        }
        // sentinels read replica-priority from INFO, which they refresh every 10 s
        const problem = await waitFor(ctx, deps.opts.settleTimeoutMs, 500, async () => {
          const { views } = await publishedMaster(deps);
          for (const v of views)
            for (const o of others) {
              const r = v.replicas.find((x) => sameAddr(replicaAddr(x), o));
              if (r && r["slave-priority"] !== "0") return `sentinel ${memberName(v.sentinel)} still sees priority ${r["slave-priority"]} on ${memberName(o)}`;
            }
          return null;
        });
        if (problem) throw new Error(`pin_candidate: ${problem}`);
        return `replica-priority 0 on ${others.map(memberName).join(", ")} until the switchover ends`;
      }),
  };

  const pause: StepDef = {
    name: "pause",
    title: "Stop the old master acknowledging writes",
    onResume: "rerun",
    changesCluster: true,
    run: (ctx) =>
      orRelease(ctx, deps, oldMasterOrNull(ctx), async () => {
        const m = oldMaster(ctx);
        const info = await deps.clients.info(m);
        if (info.role !== "master") throw new Error(`${memberName(m)} is no longer a master (role ${info.role})`);
        const fence = String(Math.max(1, Number(info.connected_slaves ?? 0)));
        if (redisState(ctx).savedMinReplicas === undefined) {
          const got = (await deps.clients.data(m, ["CONFIG", "GET", "min-replicas-to-write"])) as string[];
          await ctx.setState({ savedMinReplicas: got[1] ?? "0" });
        }
        await ctx.setState({ fenceMinReplicas: fence });
        await run(ctx, deps, m, ["CONFIG", "SET", "min-replicas-to-write", fence]);
        try {
          await run(ctx, deps, m, ["CLIENT", "PAUSE", String(deps.opts.pauseMs), "WRITE"]);
        } catch (err) {
          // e.g. Redis < 6.2 has no WRITE mode: without the pause there is no zero-loss switchover
          throw new Error(`CLIENT PAUSE ... WRITE failed on ${memberName(m)} (${msgOf(err)})`);
        }
        await ctx.setState({ pausedAt: new Date().toISOString() });
        return `writes paused on ${memberName(m)} (safety net ${deps.opts.pauseMs} ms); min-replicas-to-write ${fence}`;
      }),
  };

  const catchUp: StepDef = {
    name: "catch_up",
    title: "Wait until the candidate has every write",
    onResume: "rerun",
    changesCluster: true,
    run: (ctx) =>
      orRelease(ctx, deps, oldMasterOrNull(ctx), async () => {
        const m = oldMaster(ctx);
        const c = cand(ctx);
        // a dead run's pause may have lapsed: offsets only stand still while paused
        if (ctx.resumed) await fenceAgain(ctx, deps, m);
        const started = Date.now();
        const r = await offsetsMatch(ctx, deps, m, c, deps.opts.catchUpTimeoutMs);
        if (r.kind === "not_master") throw new Error(`${memberName(m)} stopped being a master during catch-up (role ${r.role})`);
        if (r.kind === "timeout") throw new Error(`candidate did not catch up within ${deps.opts.catchUpTimeoutMs} ms (${r.last})`);
        return `candidate at offset ${r.offset}, equal to the paused master's (${Date.now() - started} ms)`;
      }),
  };

  const promote: StepDef = {
    name: "promote",
    title: "Promote the candidate through the sentinels",
    onResume: "rerun",
    changesCluster: true,
    run: async (ctx) => {
      const m = oldMaster(ctx);
      const c = cand(ctx);
      const st = redisState(ctx);
      const park = () => leftBehind(ctx, deps, m);
      if (st.promoteRequestedAt) {
        // a run died after asking: never ask again, only follow what the sentinels did
        await orPark(ctx, park, async () => {
          const n = await nodeState(deps.clients, m);
          if (n.info?.role === "master") {
            // its pause may have lapsed while no worker renewed it
            await fenceAgain(ctx, deps, m);
            ctx.log(`resumed: ${memberName(m)} still a master: paused and fenced again`);
          }
          const { master, views } = await publishedMaster(deps);
          const inProgress = flagsOf(views[0]).includes("failover_in_progress");
          if (!sameAddr(master, c) && !inProgress)
            throw new NeedsAttention(
              `promotion was requested at ${st.promoteRequestedAt} by a run that died; sentinels report ${master ? memberName(master) : "no master"} and no failover in progress. ${park()}: check the cluster`,
            );
          ctx.log(`resumed: promotion already requested at ${st.promoteRequestedAt}; following the sentinels`);
          return "";
        });
      } else {
        await orRelease(ctx, deps, m, async () => {
          if (ctx.resumed) ctx.log("resumed before the promotion was requested: the old master is paused and compared again before every request");
          ctx.command(`before every SENTINEL FAILOVER attempt: CLIENT PAUSE ${deps.opts.pauseMs} WRITE on ${memberName(m)}, then INFO replication on it and ${memberName(c)} until the offsets match`);
          let first = true;
          await requestFailover(ctx, deps, async () => {
            const r = await refence(ctx, deps, m, c, first);
            // recorded before the first request leaves: a resumed run must never ask twice
            if (first) await ctx.setState({ promoteRequestedAt: new Date().toISOString() });
            first = false;
            return r;
          });
          return "";
        });
      }
      return orPark(ctx, park, () => follow(ctx, deps, m, c));
    },
  };

  const demote: StepDef = {
    name: "demote",
    title: "Turn the old master into a replica, then release its clients",
    onResume: "rerun",
    changesCluster: true,
    run: (ctx) =>
      orPark(
        ctx,
        () => `${memberName(cand(ctx))} was promoted; ${leftBehind(ctx, deps, oldMasterOrNull(ctx))}`,
        async () => {
          const m = oldMaster(ctx);
          const c = cand(ctx);
          const n = await nodeState(deps.clients, m);
          if (!n.info) return `${memberName(m)} is unreachable (${n.error}); sentinels reconfigure it as a replica when it returns`;
          if (n.info.role === "master") await run(ctx, deps, m, ["REPLICAOF", c.host, String(c.port)]);
          else if (!sameAddr(replicaMaster(n), c)) await run(ctx, deps, m, ["REPLICAOF", c.host, String(c.port)]);
          // clients still connected to the old master reconnect through the sentinels and find the new one
          const killed = await run(ctx, deps, m, ["CLIENT", "KILL", "TYPE", "normal"]);
          const saved = redisState(ctx).savedMinReplicas;
          if (saved !== undefined) await run(ctx, deps, m, ["CONFIG", "SET", "min-replicas-to-write", saved]);
          await run(ctx, deps, m, ["CLIENT", "UNPAUSE"]);
          // persists replicaof for a restart; fails harmlessly when the node runs without a config file
          await run(ctx, deps, m, ["CONFIG", "REWRITE"]).catch((e: Error) => ctx.log(`CONFIG REWRITE: ${e.message}`));
          return `${memberName(m)} replicates ${memberName(c)}; ${String(killed)} client connection(s) closed; writes unpaused`;
        },
      ),
  };

  const verify: StepDef = {
    name: "verify",
    title: "Verify one master and the old master replicating",
    onResume: "rerun",
    changesCluster: true,
    run: (ctx) =>
      orPark(
        ctx,
        () => `${memberName(cand(ctx))} was promoted; ${leftBehind(ctx, deps, null)}`,
        async () => {
          const m = oldMaster(ctx);
          const c = cand(ctx);
          await restorePriorities(ctx, deps);
          let summary = "";
          const problem = await waitFor(ctx, deps.opts.verifyTimeoutMs, 200, async () => {
            const t = await topology(deps.clients, deps.cfg, ctx.signal);
            const disagree = agreement(t.views, c);
            if (disagree) return disagree;
            const masters = t.nodes.filter((x) => x.info?.role === "master").map((x) => x.addr);
            if (masters.length !== 1 || !sameAddr(masters[0], c)) return `masters: ${masters.map(memberName).join(", ") || "none"}`;
            const old = nodeAt(t, m) ?? (await nodeState(deps.clients, m));
            if (!old.info) {
              summary = `${memberName(m)} unreachable; sentinels rejoin it when it returns`;
              return null;
            }
            if (old.info.role !== "slave" || !sameAddr(replicaMaster(old), c)) return `${memberName(m)} is not yet a replica of ${memberName(c)}`;
            if (old.info.master_link_status !== "up") return `${memberName(m)}'s link is ${old.info.master_link_status}`;
            summary = `${memberName(m)} replicates it (link up)`;
            return null;
          });
          if (problem) throw new NeedsAttention(`verify: ${problem}`);
          // a replica that was unreachable at the first try may answer now
          const left = await restorePriorities(ctx, deps);
          if (left.length) throw new NeedsAttention(`${memberName(c)} is the only master, ${summary}; but ${left.join("; ")}`);
          return `${memberName(c)} is the only master, ${summary}; all answering sentinels agree`;
        },
      ),
  };

  return [preflight, pin, pause, catchUp, promote, demote, verify];
}
