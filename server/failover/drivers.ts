import { patroniDriver } from "../adapters/patroni-cluster";
import { postgresStreamingDriver } from "../adapters/postgres-streaming/driver";
import { redisSentinelDriver } from "../adapters/redis-sentinel/driver";
import type { ClusterAdapterName } from "./schemas";
import type { ClusterDriver, ClusterRuntime, DriverFactory } from "./types";

const factories: Record<ClusterAdapterName, DriverFactory> = {
  "postgres-streaming": postgresStreamingDriver,
  patroni: patroniDriver,
  "redis-sentinel": redisSentinelDriver,
};

export const driverFor = (cluster: ClusterRuntime): ClusterDriver => factories[cluster.adapter](cluster);
