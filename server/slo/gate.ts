// CONTRACT STUB: the owner replaces these bodies; keep the exported signatures.
import type { Db } from "@/db/client";
import type { VerbCtx } from "../core/verb";
import type { GateAnswer, OverrideView } from "./types";

type Args = { ctx: VerbCtx; input: unknown };

/** `service` is an id or a name. */
export async function gateAnswer(_db: Db, _service: string, _now?: Date): Promise<GateAnswer> {
  throw new Error("not implemented yet");
}
export async function listOverrides(_db: Db): Promise<OverrideView[]> {
  throw new Error("not implemented yet");
}
export async function grantOverride(_a: Args): Promise<OverrideView> {
  throw new Error("not implemented yet");
}
export async function revokeOverride(_a: Args): Promise<OverrideView> {
  throw new Error("not implemented yet");
}
