import type { VerbCtx } from "../core/verb";
import type { OperationSummary } from "./types";

// CONTRACT STUB — owned by the engine helper. Operator role (resolve: admin); audit + events.
type Args = { ctx: VerbCtx; input: unknown };
export async function requestSwitchover(_a: Args): Promise<OperationSummary> {
  throw new Error("CONTRACT STUB: requestSwitchover");
}
export async function requestFailover(_a: Args): Promise<OperationSummary> {
  throw new Error("CONTRACT STUB: requestFailover");
}
export async function cancelOperation(_a: Args): Promise<OperationSummary> {
  throw new Error("CONTRACT STUB: cancelOperation");
}
export async function resolveOperation(_a: Args): Promise<OperationSummary> {
  throw new Error("CONTRACT STUB: resolveOperation");
}
