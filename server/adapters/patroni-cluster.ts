import type { DriverFactory } from "@/server/failover/types";

// CONTRACT STUB — owned by the Patroni helper.
export const patroniDriver: DriverFactory = () => {
  throw new Error("CONTRACT STUB: patroniDriver");
};
