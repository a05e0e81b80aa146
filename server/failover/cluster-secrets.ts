import { REDACTED, isSealed, seal, unseal } from "../crypto/secrets";
import { clusterSecretFields } from "./schemas";

type Config = Record<string, unknown>;

/**
 * Seals a cluster config's secret fields before they are stored. On edit the
 * browser sends back the redaction marker for a secret it never saw: keep the
 * stored value.
 */
export function sealClusterSecrets(config: Config, previous?: Config): Config {
  const out: Config = { ...config };
  for (const field of clusterSecretFields) {
    const v = out[field];
    if (v === undefined || v === "") continue;
    if (v === REDACTED) {
      if (previous?.[field] === undefined) delete out[field];
      else out[field] = previous[field];
    } else if (typeof v === "string" && !isSealed(v)) out[field] = seal(v);
  }
  return out;
}

/** The stored config with secrets in clear, for drivers only. */
export function unsealClusterSecrets(config: Config): Config {
  const out: Config = { ...config };
  for (const field of clusterSecretFields) {
    const v = out[field];
    if (typeof v === "string") out[field] = unseal(v);
  }
  return out;
}

/** What leaves the server: secrets replaced by a marker that says one is set. */
export function redactClusterConfig(config: Config): Config {
  const out: Config = { ...config };
  for (const field of clusterSecretFields) if (out[field]) out[field] = REDACTED;
  return out;
}
