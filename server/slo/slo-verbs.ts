import { type VerbCtx, mutation } from "../core/verb";
import { adjustmentIdInput, adjustmentInput, sloIdInput, sloInput, updateSloInput } from "./schemas";
import type { AdjustmentView, SloDefinition } from "./types";
import { deleteAdjustment, deleteSloRow, insertAdjustment, insertSlo, updateSloRow } from "./write-slo";

type Args = { ctx: VerbCtx; input: unknown };

export async function createSlo({ ctx, input }: Args): Promise<SloDefinition> {
  return mutation(ctx, { role: "operator", schema: sloInput, input }, (s) => insertSlo(s.tx, s.input, s));
}

export async function updateSlo({ ctx, input }: Args): Promise<SloDefinition> {
  return mutation(ctx, { role: "operator", schema: updateSloInput, input }, (s) => {
    const { id, ...rest } = s.input;
    return updateSloRow(s.tx, id, rest, s);
  });
}

export async function deleteSlo({ ctx, input }: Args): Promise<{ id: string }> {
  return mutation(ctx, { role: "admin", schema: sloIdInput, input }, (s) => deleteSloRow(s.tx, s.input.id, s));
}

/** Excluding time from an SLO changes its budget: operator or above, with a reason, audited. */
export async function addAdjustment({ ctx, input }: Args): Promise<AdjustmentView> {
  return mutation(ctx, { role: "operator", schema: adjustmentInput, input }, (s) =>
    insertAdjustment(s.tx, s.input, s.actor.type === "user" ? s.actor.id : null, s),
  );
}

export async function removeAdjustment({ ctx, input }: Args): Promise<{ id: string }> {
  return mutation(ctx, { role: "operator", schema: adjustmentIdInput, input }, (s) => deleteAdjustment(s.tx, s.input.id, s));
}
