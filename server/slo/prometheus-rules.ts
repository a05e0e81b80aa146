// CONTRACT STUB: the owner replaces these bodies; keep the exported signatures.
import type { Db } from "@/db/client";

export async function prometheusRules(_db: Db, _sloId: string): Promise<{ yaml: string; filename: string }> {
  throw new Error("not implemented yet");
}
