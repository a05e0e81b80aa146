import { createHash } from "node:crypto";

/** Components are leased to workers in this many shards (rows of probe_shard_leases). */
export const SHARDS = 64;

export function shardFor(componentId: string): number {
  return createHash("sha1").update(componentId).digest().readUInt16BE(0) % SHARDS;
}
