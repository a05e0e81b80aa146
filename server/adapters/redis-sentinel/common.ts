import { NeedsAttention, type ClusterRuntime, type StepContext } from "@/server/failover/types";
import { addrReply, memberName, parseMemberName, RedisCallError, sameAddr, sleep, type HostPort, type NodeClients } from "./client";
import { replicaAddr, sentinelViews, type SentinelView } from "./observe";

export type Cfg = ClusterRuntime<"redis-sentinel">["config"];

export type RedisSentinelDriverOptions = {
  /** CLIENT PAUSE length: a safety net renewed while the promote step waits, so a dead worker leaves writes paused for at most this long */
  pauseMs: number;
  /** how long the candidate may take to reach the paused master's offset */
  catchUpTimeoutMs: number;
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
 * promotion, so "nothing changed" is true.
 */
export async function release(ctx: StepContext, deps: Deps, oldMaster: HostPort): Promise<void> {
  const st = redisState(ctx);
  if (st.savedMinReplicas !== undefined) {
    await run(ctx, deps, oldMaster, ["CONFIG", "SET", "min-replicas-to-write", st.savedMinReplicas]).catch((e: Error) => ctx.log(`could not restore min-replicas-to-write: ${e.message}`));
  }
  await run(ctx, deps, oldMaster, ["CLIENT", "UNPAUSE"]).then(
    () => ctx.log(`writes resumed on ${memberName(oldMaster)}`),
    (e: Error) => ctx.log(`CLIENT UNPAUSE failed (the pause ends by itself within ${deps.opts.pauseMs} ms): ${e.message}`),
  );
  await restorePriorities(ctx, deps);
}

export async function restorePriorities(ctx: StepContext, deps: Deps): Promise<void> {
  const saved = redisState(ctx).savedPriorities ?? {};
  for (const [name, value] of Object.entries(saved)) {
    await run(ctx, deps, addrOf(name, "replica"), ["CONFIG", "SET", "replica-priority", value]).then(
      () => ctx.log(`replica-priority of ${name} restored to ${value}`),
      (e: Error) => ctx.log(`could not restore replica-priority of ${name} (${value}): ${e.message}`),
    );
  }
  if (Object.keys(saved).length) await ctx.setState({ savedPriorities: {} });
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
