// CONTRACT STUB: the owner replaces these bodies; keep the exported signatures.
import type { z } from "zod";
import type { Db } from "@/db/client";
import type { reportInput } from "./schemas";
import type { ServiceReport } from "./types";

export async function serviceReport(_db: Db, _input: z.output<typeof reportInput>): Promise<ServiceReport> {
  throw new Error("not implemented yet");
}
export async function reportExport(
  _db: Db,
  _input: z.output<typeof reportInput> & { format: "csv" | "markdown" },
): Promise<{ filename: string; mime: string; content: string }> {
  throw new Error("not implemented yet");
}
