import { NeedsAttention, type StepContext } from "@/server/failover/types";
import { memberName, sameAddr, sleep, type HostPort } from "./client";
import { leftBehind, masterPerSentinel, msgOf, publishedMaster, redisState, replyErrorCode, run, runSentinel, waitFor, type Deps } from "./common";
import { flagsOf, nodeState, offsetOf } from "./observe";

/**
 * The promotion itself, shared by switchover and failover: fencing the old
 * master again right before each SENTINEL FAILOVER attempt, the request with
 * its retries, and following the sentinels until they publish the candidate.
 */

/** CLIENT PAUSE … WRITE and min-replicas-to-write again, for a run that resumes after its pause may have lapsed. */
export async function fenceAgain(ctx: StepContext, deps: Deps, m: HostPort): Promise<void> {
  const fence = redisState(ctx).fenceMinReplicas;
  if (fence !== undefined) await run(ctx, deps, m, ["CONFIG", "SET", "min-replicas-to-write", fence]);
  await run(ctx, deps, m, ["CLIENT", "PAUSE", String(deps.opts.pauseMs), "WRITE"]);
}

type OffsetCheck = { kind: "match"; offset: bigint } | { kind: "not_master"; role: string } | { kind: "timeout"; last: string };

/**
 * Polls both nodes until the candidate (link up) is at the old master's
 * offset; records both offsets in the state on a match. Offsets only stand
 * still while the old master is paused (PUBLISH, sentinels' hello included).
 */
export async function offsetsMatch(ctx: StepContext, deps: Deps, m: HostPort, c: HostPort, timeoutMs: number): Promise<OffsetCheck> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  for (;;) {
    ctx.signal.throwIfAborted();
    const budget = Math.max(50, Math.min(1000, deadline - Date.now()));
    const [mi, ci] = await Promise.all([nodeState(deps.clients, m, budget), nodeState(deps.clients, c, budget)]);
    if (mi.info && mi.info.role !== "master") return { kind: "not_master", role: mi.info.role ?? "?" };
    const mo = offsetOf(mi);
    const co = offsetOf(ci);
    last = `master ${mo ?? mi.error}, candidate ${co ?? ci.error}`;
    if (mo !== null && co !== null && mo === co && ci.info?.master_link_status === "up") {
      await ctx.setState({ oldPrimaryPosition: mo.toString(), candidatePositionAtPromote: co.toString() });
      return { kind: "match", offset: co };
    }
    if (Date.now() >= deadline) return { kind: "timeout", last };
    await sleep(deps.opts.catchUpPollMs, ctx.signal);
  }
}

/**
 * Run right before each SENTINEL FAILOVER attempt: the pause set by the pause
 * step may have lapsed (catch-up, NOGOODSLAVE retries, a resumed run), and a
 * write acknowledged meanwhile must be on the candidate before it is promoted.
 * "follow" when the sentinels already moved the master to the candidate.
 */
export async function refence(ctx: StepContext, deps: Deps, m: HostPort, c: HostPort, first: boolean): Promise<"go" | "follow"> {
  if (first) await fenceAgain(ctx, deps, m);
  else await deps.clients.data(m, ["CLIENT", "PAUSE", String(deps.opts.pauseMs), "WRITE"]);
  const r = await offsetsMatch(ctx, deps, m, c, deps.opts.refenceTimeoutMs);
  if (r.kind === "match") return "go";
  if (r.kind === "timeout") throw new Error(`${memberName(c)} did not reach the re-paused master's offset within ${deps.opts.refenceTimeoutMs} ms before SENTINEL FAILOVER (${r.last})`);
  const { master, views } = await publishedMaster(deps);
  if (sameAddr(master, c) || flagsOf(views[0]).includes("failover_in_progress")) {
    ctx.log(`${memberName(m)} reports role ${r.role}: the sentinels are already moving the master to ${memberName(c)}; following`);
    return "follow";
  }
  throw new Error(`${memberName(m)} stopped being a master before the promotion (role ${r.role}; sentinels publish ${master ? memberName(master) : "no master"})`);
}

/** Waits until a sentinel publishes the candidate and it reports role master; the old master's pause is renewed from the first poll on. */
export async function follow(ctx: StepContext, deps: Deps, m: HostPort, c: HostPort): Promise<string> {
  const started = Date.now();
  // 0: the first poll renews at once — the pause set before the request may be close to lapsing
  let lastRenew = 0;
  let winner: HostPort | null = null;
  const problem = await waitFor(ctx, deps.opts.promoteTimeoutMs, 20, async () => {
    if (Date.now() - lastRenew > 1000 && !sameAddr(winner, c)) {
      lastRenew = Date.now();
      await deps.clients.data(m, ["CLIENT", "PAUSE", String(deps.opts.pauseMs), "WRITE"]).catch((e: unknown) => ctx.log(`renewing the pause on ${memberName(m)}: ${msgOf(e)}`));
    }
    const answers = await Promise.allSettled(deps.cfg.sentinels.map((s) => masterPerSentinel(deps, s)));
    const published = answers.flatMap((a) => (a.status === "fulfilled" && a.value ? [a.value] : []));
    const other = published.find((p) => !sameAddr(p, m) && !sameAddr(p, c));
    if (other) throw new NeedsAttention(`sentinels promoted ${memberName(other)}, not the candidate ${memberName(c)}; ${leftBehind(ctx, deps, m)}`);
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
}

/**
 * SENTINEL FAILOVER on the first sentinel that accepts it. -INPROG means the
 * sentinels started one themselves (the paused master can look down to them):
 * follow it. -NOGOODSLAVE is retried: a sentinel refuses a replica whose INFO
 * it has not refreshed recently. `beforeAttempt` runs before every attempt
 * (re-fence, re-check); its plain error, like no sentinel accepting, means
 * nothing was requested — unless an earlier attempt timed out and may have
 * been accepted, which parks the operation with the fence kept.
 */
export async function requestFailover(ctx: StepContext, deps: Deps, beforeAttempt?: () => Promise<"go" | "follow">): Promise<"requested" | "in_progress"> {
  const deadline = Date.now() + deps.opts.noGoodReplicaRetryMs;
  const n = deps.cfg.sentinels.length;
  let last = "";
  // a request that timed out may have been accepted: then releasing the fence would be unsafe
  let uncertain = false;
  const unsure = (why: string) =>
    new NeedsAttention(`${why}; an earlier SENTINEL FAILOVER was not confirmed (${last}) and may have been accepted, so the old master stays fenced`);
  for (let i = 0; ; i++) {
    const s = deps.cfg.sentinels[i % n] as HostPort;
    if (beforeAttempt) {
      let next: "go" | "follow";
      try {
        next = await beforeAttempt();
      } catch (err) {
        if (uncertain && !ctx.signal.aborted && !(err instanceof NeedsAttention)) throw unsure(msgOf(err));
        throw err;
      }
      if (next === "follow") return "in_progress";
    }
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
      last = msgOf(err);
      if (code === null && !/refused/.test(last)) uncertain = true;
      ctx.log(last);
    }
    if (Date.now() >= deadline) break;
    if (i % n === n - 1) await sleep(200, ctx.signal);
  }
  if (uncertain) throw unsure("no sentinel confirmed SENTINEL FAILOVER");
  throw new Error(`no sentinel accepted SENTINEL FAILOVER within ${deps.opts.noGoodReplicaRetryMs} ms (${last})`);
}
