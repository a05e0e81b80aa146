// CONTRACT STUB: the owner replaces these bodies; keep the exported signatures.
import type { z } from "zod";
import type { Db } from "@/db/client";
import type { previewInput } from "./schemas";
import type { PreviewResult } from "./types";

export async function previewSlo(_db: Db, _input: z.output<typeof previewInput>): Promise<PreviewResult> {
  throw new Error("not implemented yet");
}
