import { z } from "zod";
import { envSection } from "../../config/env";

/**
 * The prober's settings, from the environment (parsed once; malformed values
 * fail at start, like server/config/env.ts).
 */
const schema = z.object({
  /** how long a shard lease lasts: a dead worker's shards are taken over within this */
  BULWARK_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(15_000),
  /** checks in flight at once, across all components of this worker */
  BULWARK_PROBER_CONCURRENCY: z.coerce.number().int().min(1).max(100_000).default(2_000),
  /** flush buffered results at least this often */
  BULWARK_PROBER_FLUSH_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  /** `off` runs the worker without the prober (other workers probe the fleet) */
  BULWARK_PROBER: z.enum(["on", "off"]).default("on"),
  /** raw probe_results kept this long (dropped by whole day partitions) */
  BULWARK_RAW_RETENTION_HOURS: z.coerce.number().min(1).max(24 * 365).default(48),
  /** per-minute rollups kept this long */
  BULWARK_ROLLUP_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
});

export type ProberEnv = z.infer<typeof schema>;

export const proberEnv: () => ProberEnv = envSection(schema);
