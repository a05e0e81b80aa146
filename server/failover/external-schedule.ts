import { type VerbCtx, mutation } from "../core/verb";
import { AppError } from "../errors";
import { driverFor } from "./drivers";
import { loadClusterRuntime } from "./load-cluster";
import { clusterIdInput } from "./schemas";

/**
 * Cancels a switchover scheduled on the cluster manager's own side (Patroni's
 * `scheduled_at`, e.g. by `patronictl switchover --scheduled`): Bulwark
 * schedules its own operations itself, but one set up outside shows on the
 * cluster page and an operator must be able to stop it from there.
 */
export async function cancelExternalSchedule({ ctx, input }: { ctx: VerbCtx; input: unknown }): Promise<{ clusterId: string }> {
  return mutation(ctx, { role: "operator", schema: clusterIdInput, input }, async ({ input, audit, emit }) => {
    const cluster = await loadClusterRuntime(ctx.db, input.id);
    const driver = driverFor(cluster);
    try {
      if (!driver.cancelScheduled) throw new AppError("BAD_REQUEST", `${cluster.name} has no switchover scheduler of its own to cancel (only Patroni clusters do)`);
      await driver.cancelScheduled();
    } finally {
      await driver.close().catch(() => undefined);
    }
    await audit({ action: "cluster.external_schedule_cancelled", targetType: "cluster", targetId: cluster.id, details: { name: cluster.name, adapter: cluster.adapter } });
    await emit({ type: "cluster.changed", topic: `cluster:${cluster.id}`, payload: { clusterId: cluster.id, externalScheduleCancelled: true } });
    return { clusterId: cluster.id };
  });
}
