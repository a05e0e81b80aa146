import type { Db } from "@/db/client";
import type { Preflight } from "./types";

// CONTRACT STUB — owned by the engine helper.
export async function preflight(_db: Db, _input: { clusterId: string; kind: "switchover" | "failover"; candidate?: string; overrides?: string[] }): Promise<Preflight> {
  throw new Error("CONTRACT STUB: preflight");
}
