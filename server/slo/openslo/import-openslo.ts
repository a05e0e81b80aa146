// CONTRACT STUB: the owner replaces these bodies; keep the exported signatures.
import type { VerbCtx } from "../../core/verb";
import type { ImportReport } from "../types";

export async function importOpenSlo(_a: { ctx: VerbCtx; input: unknown }): Promise<ImportReport> {
  throw new Error("not implemented yet");
}
