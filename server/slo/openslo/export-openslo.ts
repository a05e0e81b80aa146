// CONTRACT STUB: the owner replaces these bodies; keep the exported signatures.
import type { z } from "zod";
import type { Db } from "@/db/client";
import type { openSloExportInput } from "../schemas";

export async function exportOpenSlo(_db: Db, _input: z.output<typeof openSloExportInput>): Promise<{ yaml: string; count: number }> {
  throw new Error("not implemented yet");
}
