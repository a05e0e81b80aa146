import { createCluster, deleteCluster, updateCluster } from "../failover/cluster-verbs";
import { cancelExternalSchedule } from "../failover/external-schedule";
import { cancelOperation, requestFailover, requestSwitchover, resolveOperation } from "../failover/operation-verbs";
import { preflight } from "../failover/preflight";
import { clusterDetail, listClusters, listOperations, operationDetail } from "../failover/queries";
import {
  clusterIdInput,
  clusterInput,
  failoverInput,
  listOperationsInput,
  operationIdInput,
  preflightInput,
  resolveOperationInput,
  switchoverInput,
  updateClusterInput,
} from "../failover/schemas";
import { verbCtx } from "../trpc/context";
import { adminProcedure, mergeRouters, operatorProcedure, router, viewerProcedure } from "../trpc/init";

const reads = router({
  list: viewerProcedure.query(({ ctx }) => listClusters(ctx.db)),
  get: viewerProcedure.input(clusterIdInput).query(({ ctx, input }) => clusterDetail(ctx.db, input.id)),
  preflight: viewerProcedure.input(preflightInput).query(({ ctx, input }) => preflight(ctx.db, input)),
  operations: viewerProcedure.input(listOperationsInput).query(({ ctx, input }) => listOperations(ctx.db, input)),
  operation: viewerProcedure.input(operationIdInput).query(({ ctx, input }) => operationDetail(ctx.db, input.id)),
});

// Inputs are declared for the client's types and parsed again inside each verb, the one path for every caller.
const writes = router({
  create: adminProcedure.input(clusterInput).mutation(({ ctx, input }) => createCluster({ ctx: verbCtx(ctx), input })),
  update: adminProcedure.input(updateClusterInput).mutation(({ ctx, input }) => updateCluster({ ctx: verbCtx(ctx), input })),
  delete: adminProcedure.input(clusterIdInput).mutation(({ ctx, input }) => deleteCluster({ ctx: verbCtx(ctx), input })),
  switchover: operatorProcedure.input(switchoverInput).mutation(({ ctx, input }) => requestSwitchover({ ctx: verbCtx(ctx), input })),
  failover: operatorProcedure.input(failoverInput).mutation(({ ctx, input }) => requestFailover({ ctx: verbCtx(ctx), input })),
  cancel: operatorProcedure.input(operationIdInput).mutation(({ ctx, input }) => cancelOperation({ ctx: verbCtx(ctx), input })),
  resolve: adminProcedure.input(resolveOperationInput).mutation(({ ctx, input }) => resolveOperation({ ctx: verbCtx(ctx), input })),
  /** a switchover scheduled on Patroni's side (not by Bulwark): DELETE /switchover */
  cancelExternalSchedule: operatorProcedure.input(clusterIdInput).mutation(({ ctx, input }) => cancelExternalSchedule({ ctx: verbCtx(ctx), input })),
});

export const clustersRouter = mergeRouters(reads, writes);
