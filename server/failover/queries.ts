import type { Db } from "@/db/client";
import type { ClusterDetail, ClusterSummary, OperationDetail, OperationSummary } from "./types";

// CONTRACT STUB — owned by the engine helper.
export async function listClusters(_db: Db): Promise<ClusterSummary[]> {
  throw new Error("CONTRACT STUB: listClusters");
}
export async function clusterDetail(_db: Db, _id: string): Promise<ClusterDetail> {
  throw new Error("CONTRACT STUB: clusterDetail");
}
export async function listOperations(_db: Db, _input: { clusterId?: string; limit: number }): Promise<OperationSummary[]> {
  throw new Error("CONTRACT STUB: listOperations");
}
export async function operationDetail(_db: Db, _id: string): Promise<OperationDetail> {
  throw new Error("CONTRACT STUB: operationDetail");
}
