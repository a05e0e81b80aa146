import { unseal } from "@/server/crypto/secrets";
import { pgWriteProbe } from "@/server/failover/pg-write-probe";
import type { ClusterDriver, ClusterRuntime, DriverFactory } from "@/server/failover/types";
import { deleteScheduled } from "./actions";
import { observeCluster } from "./observe";
import type { PatroniClusterConfig } from "./rest";
import { failoverSteps, switchoverSteps } from "./steps";

const isPatroni = (cluster: ClusterRuntime): cluster is ClusterRuntime<"patroni"> => cluster.adapter === "patroni";

/**
 * Patroni moves the primary itself: Bulwark asks through the REST API and
 * then follows GET /cluster to a terminal state instead of trusting the
 * synchronous answer, which may time out while the switchover goes on.
 */
export const patroniDriver: DriverFactory = (cluster) => {
  if (!isPatroni(cluster)) throw new Error(`patroniDriver got a ${cluster.adapter} cluster`);
  const config: PatroniClusterConfig = cluster.config;
  return {
    observe: (signal) => observeCluster(config, signal),
    switchoverSteps: () => switchoverSteps(config),
    failoverSteps: () => failoverSteps(config),
    writeProbe: (operationId) => (config.writeProbeUrl ? pgWriteProbe(unseal(config.writeProbeUrl), operationId) : null),
    cancelScheduled: async () => {
      await deleteScheduled(config);
    },
    // HTTP goes through the process's shared keep-alive agent: nothing of the driver's own to close.
    close: async () => undefined,
  } satisfies ClusterDriver;
};
