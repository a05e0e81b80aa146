import { z } from "zod";
import { envSection } from "../config/env";

/** The failover loops' settings, from the environment (parsed once; malformed values fail at start). */
const schema = z.object({
  /** `off` runs the worker without the operation runner and the cluster observer (another worker does both) */
  BULWARK_FAILOVER: z.enum(["on", "off"]).default("on"),
  /** how often every cluster's members are observed */
  BULWARK_CLUSTER_OBSERVE_MS: z.coerce.number().int().min(200).max(600_000).default(1_000),
});

export type FailoverEnv = z.infer<typeof schema>;

export const failoverEnv: () => FailoverEnv = envSection(schema);
