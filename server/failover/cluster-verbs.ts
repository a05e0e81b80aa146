import type { VerbCtx } from "../core/verb";
import type { ClusterDetail } from "./types";

// CONTRACT STUB — owned by the engine helper. Admin role; secrets sealed; audit + event.
type Args = { ctx: VerbCtx; input: unknown };
export async function createCluster(_a: Args): Promise<ClusterDetail> {
  throw new Error("CONTRACT STUB: createCluster");
}
export async function updateCluster(_a: Args): Promise<ClusterDetail> {
  throw new Error("CONTRACT STUB: updateCluster");
}
export async function deleteCluster(_a: Args): Promise<{ id: string }> {
  throw new Error("CONTRACT STUB: deleteCluster");
}
