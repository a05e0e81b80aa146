import { randomBytes } from "node:crypto";
import Redis, { type RedisOptions } from "ioredis";
import type { WriteProbe, WriteProbeReport } from "@/server/failover/types";
import { sleep } from "./client";
import type { Cfg } from "./common";

/**
 * RPUSHes sequential ids, one at a time, through an ioredis client that finds
 * the master via the sentinels, the way an application would. An id counts as
 * acknowledged only when RPUSH replied. Every attempt uses a new id, so an
 * attempt that failed but was applied anyway cannot be mistaken for an
 * acknowledged one. At the end the list is read back from the master the
 * sentinels publish: acknowledged ids missing from it were lost.
 */
export type RedisWriteProbeOptions = {
  /** pause between writes */
  intervalMs?: number;
  /**
   * close the connection when a sentinel announces +switch-master (ioredis
   * failoverDetector) — what a well-configured application does. On by default.
   */
  failoverDetector?: boolean;
};

export const probeKey = (operationId: string) => `bulwark:write-probe:${operationId}`;

export function clientOptions(cfg: Cfg, extra: Partial<RedisOptions> = {}): RedisOptions {
  return {
    sentinels: cfg.sentinels.map((s) => ({ host: s.host, port: s.port })),
    name: cfg.masterName,
    role: "master",
    password: cfg.password,
    sentinelPassword: cfg.sentinelPassword,
    connectTimeout: 2000,
    commandTimeout: 5000,
    maxRetriesPerRequest: 3,
    retryStrategy: (n) => Math.min(10 * n, 200),
    sentinelRetryStrategy: (n) => Math.min(50 * n, 500),
    // a demoted master answers READONLY: reconnect (asking the sentinels again) and resend
    reconnectOnError: (err) => (/^(READONLY|LOADING|MASTERDOWN)/.test(err.message) ? 2 : false),
    ...extra,
  };
}

export function redisWriteProbe(cfg: Cfg, operationId: string, opts: RedisWriteProbeOptions = {}): WriteProbe {
  const key = probeKey(operationId);
  const interval = opts.intervalMs ?? 2;
  let client: Redis | null = null;
  let running = false;
  let loop: Promise<void> = Promise.resolve();
  let attempted = 0;
  const acked: number[] = [];
  const ackTimes: number[] = [];
  const errors: Record<string, number> = {};
  const tag = randomBytes(4).toString("hex");

  const errorKind = (err: unknown): string => {
    const msg = err instanceof Error ? err.message : String(err);
    const word = /^[A-Z]{3,}\b/.exec(msg)?.[0];
    if (word) return word;
    if (err instanceof Error && err.name !== "Error" && err.name !== "ReplyError") return err.name;
    return msg.slice(0, 60);
  };

  return {
    async start() {
      const make = () => {
        const r = new Redis(clientOptions(cfg, { failoverDetector: opts.failoverDetector ?? true }));
        r.on("error", () => {});
        return r;
      };
      client = make();
      running = true;
      loop = (async () => {
        while (running) {
          const id = ++attempted;
          try {
            await (client as Redis).rpush(key, `${tag}:${id}`);
            acked.push(id);
            ackTimes.push(Date.now());
          } catch (err) {
            const k = errorKind(err);
            errors[k] = (errors[k] ?? 0) + 1;
            // ioredis 5.9 gives up for good ("end") when its failover detector fires while it is
            // still resolving the master through the sentinels; an application would build a new client
            if (client?.status === "end") {
              client.disconnect();
              client = make();
              errors.client_recreated = (errors.client_recreated ?? 0) + 1;
            }
            await sleep(5);
          }
          if (interval > 0) await sleep(interval);
        }
      })();
    },

    async stop(): Promise<WriteProbeReport> {
      running = false;
      await loop;
      client?.disconnect();
      let gap = { ms: 0, from: null as Date | null, to: null as Date | null };
      for (let i = 1; i < ackTimes.length; i++) {
        const d = (ackTimes[i] as number) - (ackTimes[i - 1] as number);
        if (d > gap.ms) gap = { ms: d, from: new Date(ackTimes[i - 1] as number), to: new Date(ackTimes[i] as number) };
      }
      const stored = await readBack(cfg, key);
      const lostAcked = acked.filter((id) => !stored.has(`${tag}:${id}`)).length;
      return { attempted, acked: acked.length, lostAcked, unavailableMs: gap.ms, gapStartedAt: gap.from, gapEndedAt: gap.to, errors };
    },
  };
}

/** LRANGE from the master the sentinels publish, once it answers as master; the key is deleted after. */
async function readBack(cfg: Cfg, key: string): Promise<Set<string>> {
  const deadline = Date.now() + 30_000;
  let lastErr: unknown = null;
  while (Date.now() < deadline) {
    const r = new Redis(clientOptions(cfg, { lazyConnect: true, maxRetriesPerRequest: 1 }));
    r.on("error", () => {});
    try {
      await r.connect();
      const role = (await r.call("ROLE")) as unknown[];
      if (role[0] !== "master") throw new Error(`connected to a ${String(role[0])}`);
      const items = await r.lrange(key, 0, -1);
      await r.del(key);
      return new Set(items);
    } catch (err) {
      lastErr = err;
      await sleep(200);
    } finally {
      r.disconnect();
    }
  }
  throw new Error(`write probe: could not read ${key} back from the master: ${lastErr instanceof Error ? lastErr.message : String(lastErr)}`);
}
