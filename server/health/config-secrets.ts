import { REDACTED, isSealed, seal } from "../crypto/secrets";
import { secretFields } from "./schemas";

type Config = Record<string, unknown>;

/**
 * Seals secret fields before they are stored. On edit, the browser sends back
 * the redaction marker for a secret it never saw: keep the stored value.
 */
export function sealConfigSecrets(config: Config, previous?: Config): Config {
  const out: Config = { ...config };
  for (const field of secretFields) {
    const v = out[field];
    if (v === undefined || v === "") continue;
    if (v === REDACTED) out[field] = previous?.[field];
    else if (typeof v === "string" && !isSealed(v)) out[field] = seal(v);
  }
  return out;
}

/** What leaves the server: secrets replaced by a marker that says one is set. */
export function redactConfig(config: Config): Config {
  const out: Config = { ...config };
  for (const field of secretFields) if (out[field]) out[field] = REDACTED;
  return out;
}
