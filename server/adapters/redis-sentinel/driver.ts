import type { ClusterDriver, ClusterRuntime, DriverFactory } from "@/server/failover/types";
import { NodeClients } from "./client";
import { defaultOptions, type RedisSentinelDriverOptions } from "./common";
import { failoverSteps } from "./failover-steps";
import { toObservation, topology } from "./observe";
import { switchoverSteps } from "./steps";
import { redisWriteProbe, type RedisWriteProbeOptions } from "./write-probe";

/**
 * Redis behind Sentinel. Members are discovered from the sentinels (named
 * "host:port" as the sentinels announce them); the sentinels stay the source
 * of truth for which node clients should write to.
 */
export function createRedisSentinelDriver(
  cluster: ClusterRuntime,
  options: Partial<RedisSentinelDriverOptions> & { probe?: RedisWriteProbeOptions } = {},
): ClusterDriver {
  if (cluster.adapter !== "redis-sentinel") throw new Error(`redis-sentinel driver given a ${cluster.adapter} cluster`);
  const cfg = (cluster as ClusterRuntime<"redis-sentinel">).config;
  const opts = { ...defaultOptions, ...options };
  const clients = new NodeClients({ data: cfg.password, sentinel: cfg.sentinelPassword }, opts.commandTimeoutMs);
  const deps = { clients, cfg, opts };
  return {
    observe: async (signal) => {
      try {
        return toObservation(await topology(clients, cfg, signal));
      } catch (err) {
        return { observedAt: new Date(), members: [], error: err instanceof Error ? err.message : String(err) };
      }
    },
    switchoverSteps: () => switchoverSteps(deps),
    failoverSteps: () => failoverSteps(deps),
    writeProbe: (operationId) => (cfg.writeProbe ? redisWriteProbe(cfg, operationId, options.probe) : null),
    close: () => clients.close(),
  };
}

export const redisSentinelDriver: DriverFactory = (cluster) => createRedisSentinelDriver(cluster);
