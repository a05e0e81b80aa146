import { NeedsAttention, NothingChanged, type ClusterRuntime, type StepContext } from "@/server/failover/types";
import { addrReply, memberName, parseMemberName, RedisCallError, sameAddr, sleep, type HostPort, type NodeClients } from "./client";
import { replicaAddr, sentinelViews, type SentinelView } from "./observe";

export type Cfg = ClusterRuntime<"redis-sentinel">["config"];

export type RedisSentinelDriverOptions = {
  /** CLIENT PAUSE length: a safety net renewed while the promote step waits, so a dead worker leaves writes paused for at most this long */
  pauseMs: number;
  /** how long the candidate may take to reach the paused master's offset */
  catchUpTimeoutMs: number;
  /** right before each SENTINEL FAILOVER attempt, how long the candidate may take to match the re-paused master's offset again */
  refenceTimeoutMs: number;
  catchUpPollMs: number;
  /** SENTINEL FAILOVER → candidate published by the sentinels */
  promoteTimeoutMs: number;
  /** NOGOODSLAVE is retried this long: a sentinel refuses a replica whose INFO it has not refreshed lately */
  noGoodReplicaRetryMs: number;
  /** preflight and pin_candidate wait this long for transient conditions (sentinel views settling after a previous operation) */
  settleTimeoutMs: number;
  verifyTimeoutMs: number;
  /** per-command deadline */
  commandTimeoutMs: number;
};

export const defaultOptions: RedisSentinelDriverOptions = {
  pauseMs: 10_000,
  catchUpTimeoutMs: 5_000,
  refenceTimeoutMs: 2_000,
  catchUpPollMs: 5,
  promoteTimeoutMs: 30_000,
  noGoodReplicaRetryMs: 12_000,
  settleTimeoutMs: 25_000,
  verifyTimeoutMs: 30_000,
  commandTimeoutMs: 2_000,
};

export type Deps = { clients: NodeClients; cfg: Cfg; opts: RedisSentinelDriverOptions };

/** Operation state this adapter keeps besides the contract's named fields. */
export type RedisOpState = {
  oldMaster?: string;
  /** the old master's min-replicas-to-write before the fence raised it */
  savedMinReplicas?: string;
  /** the value the fence set it to (a resumed run sets it again) */
  fenceMinReplicas?: string;
  /** other replicas' replica-priority before pin_candidate set them to 0 */
  savedPriorities?: Record<string, string>;
};

export const redisState = (ctx: StepContext) => ctx.state as StepContext["state"] & RedisOpState;

export function addrOf(name: string | null | undefined, what: string): HostPort {
  const a = name ? parseMemberName(name) : null;
  if (!a) throw new Error(`${what} "${name ?? ""}" is not a host:port member name`);
  return a;
}

export async function run(ctx: StepContext, deps: Deps, addr: HostPort, args: string[], timeoutMs?: number): Promise<unknown> {
  ctx.command(`redis-cli -h ${addr.host} -p ${addr.port} ${args.join(" ")}`);
  return deps.clients.data(addr, args, timeoutMs);
}

export async function runSentinel(ctx: StepContext, deps: Deps, s: HostPort, args: string[]): Promise<unknown> {
  ctx.command(`redis-cli -h ${s.host} -p ${s.port} ${args.join(" ")}`);
  return deps.clients.sentinel(s, args);
}

/** Every answering sentinel agrees on this master; returns the problem otherwise. */
export function agreement(views: SentinelView[], expected: HostPort): string | null {
  if (views.length === 0) return "no sentinel answered";
  const off = views.filter((v) => !sameAddr(v.master, expected));
  if (off.length) return `sentinel ${memberName(off[0]!.sentinel)} still reports ${off[0]!.master ? memberName(off[0]!.master) : "no master"}`;
  return null;
}

export async function publishedMaster(deps: Deps): Promise<{ master: HostPort | null; views: SentinelView[]; errors: string[] }> {
  const { views, errors } = await sentinelViews(deps.clients, deps.cfg, deps.opts.commandTimeoutMs);
  return { master: views[0]?.master ?? null, views, errors };
}

/** SENTINEL get-master-addr-by-name from one sentinel (cheap; used while polling) */
export async function masterPerSentinel(deps: Deps, s: HostPort): Promise<HostPort | null> {
  return addrReply(await deps.clients.sentinel(s, ["SENTINEL", "get-master-addr-by-name", deps.cfg.masterName], 1000));
}

/**
 * Undoes the fence on the old master (writes unpaused, min-replicas-to-write
 * restored) and the candidate pin. Used when an operation stops before the
 * promotion. Returns what could not be put back (empty: nothing changed).
 */
export async function release(ctx: StepContext, deps: Deps, oldMaster: HostPort | null): Promise<string[]> {
  const st = redisState(ctx);
  const left: string[] = [];
  if (oldMaster && st.savedMinReplicas !== undefined) {
    const saved = st.savedMinReplicas;
    try {
      // only where the fence got as far as raising it: a failed CONFIG SET has nothing to undo
      const got = (await deps.clients.data(oldMaster, ["CONFIG", "GET", "min-replicas-to-write"])) as string[];
      if (got[1] !== saved) await run(ctx, deps, oldMaster, ["CONFIG", "SET", "min-replicas-to-write", saved]);
    } catch (e) {
      left.push(`min-replicas-to-write on ${memberName(oldMaster)} may still be raised (restore it to ${saved}): ${msgOf(e)}`);
    }
  }
  if (oldMaster) {
    await run(ctx, deps, oldMaster, ["CLIENT", "UNPAUSE"]).then(
      () => ctx.log(`writes resumed on ${memberName(oldMaster)}`),
      // not left over: the pause ends by itself
      (e: unknown) => ctx.log(`CLIENT UNPAUSE failed (the pause ends by itself within ${deps.opts.pauseMs} ms): ${msgOf(e)}`),
    );
  }
  left.push(...(await restorePriorities(ctx, deps)));
  return left;
}

/** Puts back the replica priorities pin_candidate set to 0; returns those it could not. */
export async function restorePriorities(ctx: StepContext, deps: Deps): Promise<string[]> {
  const saved = redisState(ctx).savedPriorities ?? {};
  const stillPinned: Record<string, string> = {};
  const left: string[] = [];
  for (const [name, value] of Object.entries(saved)) {
    try {
      await run(ctx, deps, addrOf(name, "replica"), ["CONFIG", "SET", "replica-priority", value]);
      ctx.log(`replica-priority of ${name} restored to ${value}`);
    } catch (e) {
      // kept in the state, so a later step or a person can still restore it
      stillPinned[name] = value;
      left.push(`replica-priority of ${name} is still 0 (restore it to ${value}): ${msgOf(e)}`);
    }
  }
  if (Object.keys(saved).length) await ctx.setState({ savedPriorities: stillPinned });
  return left;
}

export const msgOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** errors a step lets through untouched: the step already decided, or the run was stopped (no compensating action then: another worker may resume) */
const passThrough = (ctx: StepContext, err: unknown) => ctx.signal.aborted || err instanceof NeedsAttention || err instanceof NothingChanged;

/**
 * Runs the body of a step taken before the promotion was requested. A plain
 * error releases the fence and the pin: NothingChanged when all of it was put
 * back, NeedsAttention naming what is left otherwise.
 */
export async function orRelease(ctx: StepContext, deps: Deps, oldMaster: HostPort | null, body: () => Promise<string>): Promise<string> {
  try {
    return await body();
  } catch (err) {
    if (passThrough(ctx, err)) throw err;
    const pinned = Object.keys(redisState(ctx).savedPriorities ?? {}).length > 0;
    const left = await release(ctx, deps, oldMaster);
    if (left.length) throw new NeedsAttention(`${msgOf(err)}; could not put everything back: ${left.join("; ")}`);
    const undone = [oldMaster ? `writes resumed on ${memberName(oldMaster)}` : "", pinned ? "replica priorities restored" : ""].filter(Boolean);
    throw new NothingChanged(`${msgOf(err)}; ${undone.length ? `${undone.join(", ")}, ` : ""}nothing changed`);
  }
}

/** Runs the body of a step taken after the promotion was requested: nothing can be put back, a plain error is reported with what is left. */
export async function orPark(ctx: StepContext, what: () => string, body: () => Promise<string>): Promise<string> {
  try {
    return await body();
  } catch (err) {
    if (passThrough(ctx, err)) throw err;
    throw new NeedsAttention(`${msgOf(err)}; ${what()}`);
  }
}

/** What an operation that got past the promotion request may have left behind, for NeedsAttention messages. */
export function leftBehind(ctx: StepContext, deps: Deps, oldMaster: HostPort | null): string {
  const st = redisState(ctx);
  const parts: string[] = [];
  if (oldMaster && st.savedMinReplicas !== undefined) parts.push(`${memberName(oldMaster)} may still be fenced (min-replicas-to-write ${st.fenceMinReplicas ?? "raised"}, was ${st.savedMinReplicas}; its write pause lapses within ${deps.opts.pauseMs} ms of the last renewal)`);
  const pinned = Object.entries(st.savedPriorities ?? {});
  if (pinned.length) parts.push(`replica-priority 0 still on ${pinned.map(([n, v]) => `${n} (was ${v})`).join(", ")}`);
  return parts.length ? parts.join("; ") : "nothing of the fence is left";
}

/** Polls `check` (returns null when satisfied, else the problem) until it passes or the deadline. */
export async function waitFor(ctx: StepContext, ms: number, every: number, check: () => Promise<string | null>): Promise<string | null> {
  const deadline = Date.now() + ms;
  let problem: string | null = "not checked";
  for (;;) {
    ctx.signal.throwIfAborted();
    try {
      problem = await check();
    } catch (err) {
      if (err instanceof NeedsAttention || ctx.signal.aborted) throw err;
      problem = err instanceof Error ? err.message : String(err);
    }
    if (!problem || Date.now() >= deadline) return problem;
    await sleep(every, ctx.signal);
  }
}

export const replyErrorCode = (e: unknown) => (e instanceof RedisCallError && e.replied ? (e.reason.split(" ")[0] ?? "").replace(/^-/, "") : null);

export { replicaAddr };
