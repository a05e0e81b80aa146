import type { DriverFactory } from "@/server/failover/types";

// CONTRACT STUB — owned by the postgres-streaming helper.
export const postgresStreamingDriver: DriverFactory = () => {
  throw new Error("CONTRACT STUB: postgresStreamingDriver");
};
