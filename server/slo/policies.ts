// CONTRACT STUB: the owner replaces these bodies; keep the exported signatures.
import type { Db } from "@/db/client";
import type { VerbCtx } from "../core/verb";
import type { PolicyView } from "./types";

type Args = { ctx: VerbCtx; input: unknown };

export async function listPolicies(_db: Db): Promise<PolicyView[]> {
  throw new Error("not implemented yet");
}
export async function savePolicy(_a: Args): Promise<PolicyView> {
  throw new Error("not implemented yet");
}
export async function deletePolicy(_a: Args): Promise<{ id: string }> {
  throw new Error("not implemented yet");
}
