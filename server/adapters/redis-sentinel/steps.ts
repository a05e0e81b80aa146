import { NeedsAttention, type StepContext, type StepDef } from "@/server/failover/types";
import { memberName, sameAddr, sleep, type HostPort } from "./client";
import {
  addrOf,
  agreement,
  masterPerSentinel,
  publishedMaster,
  redisState,
  release,
  replicaAddr,
  replyErrorCode,
  restorePriorities,
  run,
  runSentinel,
  waitFor,
  type Deps,
} from "./common";
import { flagsOf, nodeAt, nodeState, offsetOf, replicaMaster, topology, type Topology } from "./observe";

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
 *   promote SENTINEL FAILOVER; wait until a sentinel publishes the candidate
 *           (the pause is renewed while waiting);
 *   demote  REPLICAOF <candidate> on the still-paused old master, CLIENT KILL
 *           TYPE normal (clients reconnect through the sentinels), then
 *           UNPAUSE: queued writes now get READONLY or a closed connection,
 *           never an acknowledgement.
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
    run: async (ctx) => {
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
      if (problem) {
        await restorePriorities(ctx, deps);
        throw new Error(`pin_candidate: ${problem}; priorities restored, nothing changed`);
      }
      return `replica-priority 0 on ${others.map(memberName).join(", ")} until the switchover ends`;
    },
  };

  const pause: StepDef = {
    name: "pause",
    title: "Stop the old master acknowledging writes",
    onResume: "rerun",
    run: async (ctx) => {
      const m = oldMaster(ctx);
      const info = await deps.clients.info(m);
      if (info.role !== "master") throw new Error(`${memberName(m)} is no longer a master (role ${info.role}); nothing changed`);
      const replicas = Number(info.connected_slaves ?? 0);
      if (redisState(ctx).savedMinReplicas === undefined) {
        const got = (await deps.clients.data(m, ["CONFIG", "GET", "min-replicas-to-write"])) as string[];
        await ctx.setState({ savedMinReplicas: got[1] ?? "0" });
      }
      await run(ctx, deps, m, ["CONFIG", "SET", "min-replicas-to-write", String(Math.max(1, replicas))]);
      try {
        await run(ctx, deps, m, ["CLIENT", "PAUSE", String(deps.opts.pauseMs), "WRITE"]);
      } catch (err) {
        // e.g. Redis < 6.2 has no WRITE mode: without the pause there is no zero-loss switchover
        await release(ctx, deps, m);
        throw new Error(`CLIENT PAUSE ... WRITE failed on ${memberName(m)} (${err instanceof Error ? err.message : String(err)}); nothing changed`);
      }
      await ctx.setState({ pausedAt: new Date().toISOString() });
      return `writes paused on ${memberName(m)} (safety net ${deps.opts.pauseMs} ms); min-replicas-to-write ${Math.max(1, replicas)}`;
    },
  };

  const catchUp: StepDef = {
    name: "catch_up",
    title: "Wait until the candidate has every write",
    onResume: "rerun",
    run: async (ctx) => {
      const m = oldMaster(ctx);
      const c = cand(ctx);
      // a dead run's pause may have lapsed: offsets only stand still while paused
      if (ctx.resumed) await run(ctx, deps, m, ["CLIENT", "PAUSE", String(deps.opts.pauseMs), "WRITE"]);
      const started = Date.now();
      const deadline = started + deps.opts.catchUpTimeoutMs;
      let last = "no answer yet";
      ctx.command(`INFO replication on ${memberName(m)} and ${memberName(c)} every ${deps.opts.catchUpPollMs} ms until offsets match`);
      while (Date.now() < deadline) {
        ctx.signal.throwIfAborted();
        const budget = Math.max(50, Math.min(1000, deadline - Date.now()));
        const [mi, ci] = await Promise.all([nodeState(deps.clients, m, budget), nodeState(deps.clients, c, budget)]);
        if (mi.info && mi.info.role !== "master") {
          await release(ctx, deps, m);
          throw new Error(`${memberName(m)} stopped being a master during catch-up (role ${mi.info.role})`);
        }
        const mo = offsetOf(mi);
        const co = offsetOf(ci);
        last = `master ${mo ?? mi.error}, candidate ${co ?? ci.error}`;
        if (mo !== null && co !== null && mo === co && ci.info?.master_link_status === "up") {
          await ctx.setState({ oldPrimaryPosition: mo.toString(), candidatePositionAtPromote: co.toString() });
          return `candidate at offset ${co}, equal to the paused master's (${Date.now() - started} ms)`;
        }
        await sleep(deps.opts.catchUpPollMs, ctx.signal);
      }
      await release(ctx, deps, m);
      throw new Error(`candidate did not catch up within ${deps.opts.catchUpTimeoutMs} ms (${last}); writes resumed on ${memberName(m)}, nothing changed`);
    },
  };

  const promote: StepDef = {
    name: "promote",
    title: "Promote the candidate through the sentinels",
    onResume: "rerun",
    run: async (ctx) => {
      const m = oldMaster(ctx);
      const c = cand(ctx);
      const st = redisState(ctx);
      if (st.promoteRequestedAt) {
        // a run died after asking: never ask again, only follow what the sentinels did
        const { master, views } = await publishedMaster(deps);
        const inProgress = flagsOf(views[0]).includes("failover_in_progress");
        if (!sameAddr(master, c) && !inProgress)
          throw new NeedsAttention(
            `promotion was requested at ${st.promoteRequestedAt} by a run that died; sentinels report ${master ? memberName(master) : "no master"} and no failover in progress. ${memberName(m)} may still be fenced (min-replicas-to-write): check the cluster`,
          );
        ctx.log(`resumed: promotion already requested at ${st.promoteRequestedAt}; following the sentinels`);
      } else {
        await ctx.setState({ promoteRequestedAt: new Date().toISOString() });
        await requestFailover(ctx, deps, m);
      }
      const started = Date.now();
      let lastRenew = Date.now();
      let winner: HostPort | null = null;
      const problem = await waitFor(ctx, deps.opts.promoteTimeoutMs, 20, async () => {
        if (Date.now() - lastRenew > 1000 && !sameAddr(winner, c)) {
          lastRenew = Date.now();
          await deps.clients.data(m, ["CLIENT", "PAUSE", String(deps.opts.pauseMs), "WRITE"]).catch(() => undefined);
        }
        const answers = await Promise.allSettled(deps.cfg.sentinels.map((s) => masterPerSentinel(deps, s)));
        const published = answers.flatMap((a) => (a.status === "fulfilled" && a.value ? [a.value] : []));
        const other = published.find((p) => !sameAddr(p, m) && !sameAddr(p, c));
        if (other) throw new NeedsAttention(`sentinels promoted ${memberName(other)}, not the candidate ${memberName(c)}; ${memberName(m)} is still fenced`);
        if (!published.some((p) => sameAddr(p, c))) return "not published yet";
        winner = c;
        const role = (await deps.clients.info(c, "replication", 1000)).role;
        return role === "master" ? null : `published, but ${memberName(c)} reports role ${role}`;
      });
      if (problem) {
        const role = (await nodeState(deps.clients, c)).info?.role ?? "unreachable";
        throw new NeedsAttention(
          `the sentinels did not publish ${memberName(c)} within ${deps.opts.promoteTimeoutMs} ms (${problem}; it reports role ${role}). ${memberName(m)} stays fenced: min-replicas-to-write refuses writes once its replica leaves; the write pause lapses within ${deps.opts.pauseMs} ms`,
        );
      }
      await ctx.setState({ promotedAt: new Date().toISOString() });
      return `sentinels publish ${memberName(c)} as master after ${Date.now() - started} ms`;
    },
  };

  const demote: StepDef = {
    name: "demote",
    title: "Turn the old master into a replica, then release its clients",
    onResume: "rerun",
    run: async (ctx) => {
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
  };

  const verify: StepDef = {
    name: "verify",
    title: "Verify one master and the old master replicating",
    onResume: "rerun",
    run: async (ctx) => {
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
      return `${memberName(c)} is the only master, ${summary}; all answering sentinels agree`;
    },
  };

  return [preflight, pin, pause, catchUp, promote, demote, verify];
}

/**
 * SENTINEL FAILOVER on the first sentinel that accepts it. -INPROG means the
 * sentinels started one themselves (the paused master can look down to them):
 * follow it. -NOGOODSLAVE is retried: a sentinel refuses a replica whose INFO
 * it has not refreshed recently. If no sentinel accepts, nothing happened:
 * the fence is released.
 */
export async function requestFailover(ctx: StepContext, deps: Deps, oldMaster: HostPort | null): Promise<"requested" | "in_progress"> {
  const deadline = Date.now() + deps.opts.noGoodReplicaRetryMs;
  const n = deps.cfg.sentinels.length;
  let last = "";
  // a request that timed out may have been accepted: then releasing the fence would be unsafe
  let uncertain = false;
  for (let i = 0; ; i++) {
    const s = deps.cfg.sentinels[i % n] as HostPort;
    try {
      await runSentinel(ctx, deps, s, ["SENTINEL", "FAILOVER", deps.cfg.masterName]);
      ctx.log(`sentinel ${memberName(s)} accepted the failover`);
      return "requested";
    } catch (err) {
      const code = replyErrorCode(err);
      if (code === "INPROG") {
        ctx.log(`sentinel ${memberName(s)}: a failover is already in progress; following it`);
        return "in_progress";
      }
      last = err instanceof Error ? err.message : String(err);
      if (code === null && !/refused/.test(last)) uncertain = true;
      ctx.log(last);
    }
    if (Date.now() >= deadline) break;
    if (i % n === n - 1) await sleep(200, ctx.signal);
  }
  if (uncertain) throw new NeedsAttention(`SENTINEL FAILOVER was not confirmed by any sentinel (${last}); a request may have been accepted, so the old master stays fenced`);
  if (oldMaster) await release(ctx, deps, oldMaster);
  throw new Error(`no sentinel accepted SENTINEL FAILOVER within ${deps.opts.noGoodReplicaRetryMs} ms (${last}); nothing changed`);
}
