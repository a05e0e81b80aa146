import { z } from "zod";
import { envSection } from "../config/env";

/**
 * The SLO loops' settings, from the environment (parsed once; malformed values
 * fail at start, like server/health/prober/config.ts).
 */
const schema = z.object({
  /** how often the evaluator recomputes every SLO's figures */
  BULWARK_SLO_EVAL_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(15_000),
  /** how often pulled sources (probe rollups, Prometheus) are folded into SLI minutes */
  BULWARK_SLO_SOURCES_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(15_000),
  /** `off` runs the worker without the SLO loops (another worker evaluates) */
  BULWARK_SLO: z.enum(["on", "off"]).default("on"),
});

export type SloEnv = z.infer<typeof schema>;

export const sloEnv: () => SloEnv = envSection(schema);
