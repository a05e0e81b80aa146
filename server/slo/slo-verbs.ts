// CONTRACT STUB: the owner replaces these bodies; keep the exported signatures.
import type { VerbCtx } from "../core/verb";
import type { AdjustmentView, SloDefinition } from "./types";

type Args = { ctx: VerbCtx; input: unknown };

export async function createSlo(_a: Args): Promise<SloDefinition> {
  throw new Error("not implemented yet");
}
export async function updateSlo(_a: Args): Promise<SloDefinition> {
  throw new Error("not implemented yet");
}
export async function deleteSlo(_a: Args): Promise<{ id: string }> {
  throw new Error("not implemented yet");
}
export async function addAdjustment(_a: Args): Promise<AdjustmentView> {
  throw new Error("not implemented yet");
}
export async function removeAdjustment(_a: Args): Promise<{ id: string }> {
  throw new Error("not implemented yet");
}
