import type { WriteProbe } from "./types";

// CONTRACT STUB — owned by the postgres-streaming helper; used by the postgres-streaming and Patroni drivers.
export function pgWriteProbe(_url: string, _operationId: string): WriteProbe {
  throw new Error("CONTRACT STUB: pgWriteProbe");
}
