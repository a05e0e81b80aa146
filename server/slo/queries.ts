// CONTRACT STUB: the owner replaces these bodies; keep the exported signatures.
import type { z } from "zod";
import type { Db } from "@/db/client";
import type { listSlosInput, seriesInput } from "./schemas";
import type { SloDetail, SloListRow, SloSeries } from "./types";

export async function listSlos(_db: Db, _input: z.output<typeof listSlosInput>): Promise<SloListRow[]> {
  throw new Error("not implemented yet");
}
export async function sloDetail(_db: Db, _id: string): Promise<SloDetail> {
  throw new Error("not implemented yet");
}
export async function sloSeries(_db: Db, _input: z.output<typeof seriesInput>): Promise<SloSeries> {
  throw new Error("not implemented yet");
}
