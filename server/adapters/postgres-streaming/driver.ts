import { pgWriteProbe } from "@/server/failover/pg-write-probe";
import type { ClusterDriver, ClusterRuntime, DriverFactory } from "@/server/failover/types";
import { AgentClient } from "./agent-client";
import { MemberConnections } from "./member-sql";
import { observeMembers } from "./observe";
import { defaultStepOptions, type Deps, type StepOptions } from "./steps-common";
import { failoverSteps } from "./steps-failover";
import { switchoverSteps } from "./steps-switchover";

/**
 * Self-managed streaming replication: Bulwark performs the switchover itself
 * (see steps-switchover.ts / steps-failover.ts), talking SQL to every member
 * and, when configured, to a host agent that can stop, start and re-clone them.
 */
export function createPostgresStreamingDriver(cluster: ClusterRuntime<"postgres-streaming">, options: StepOptions = {}): ClusterDriver & { deps: Deps } {
  const conns = new MemberConnections(cluster);
  const { agentUrl, agentToken, writeProbeUrl } = cluster.config;
  const deps: Deps = {
    conns,
    agent: agentUrl ? new AgentClient(agentUrl, agentToken) : null,
    opts: { ...defaultStepOptions, ...options },
    observe: (signal) => observeMembers(conns, signal),
  };
  return {
    deps,
    observe: deps.observe,
    switchoverSteps: () => switchoverSteps(deps),
    failoverSteps: () => failoverSteps(deps),
    writeProbe: (operationId) => (writeProbeUrl ? pgWriteProbe(writeProbeUrl, operationId) : null),
    close: () => conns.close(),
  };
}

export const postgresStreamingDriver: DriverFactory = (cluster) => {
  if (cluster.adapter !== "postgres-streaming") throw new Error(`not a postgres-streaming cluster: ${cluster.adapter}`);
  return createPostgresStreamingDriver(cluster as ClusterRuntime<"postgres-streaming">);
};
