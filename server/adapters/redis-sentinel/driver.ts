import type { DriverFactory } from "@/server/failover/types";

// CONTRACT STUB — owned by the Redis Sentinel helper.
export const redisSentinelDriver: DriverFactory = () => {
  throw new Error("CONTRACT STUB: redisSentinelDriver");
};
