import type { ProbeContext, ProbeResult } from "../probe-types";
import type { ComponentKind } from "../schemas";

export type AnyProbe = (config: Record<string, unknown>, ctx: ProbeContext) => Promise<ProbeResult>;
/** The probe for a kind, or undefined when there is none (push components are not probed). */
export type ProbeLookup = (kind: ComponentKind) => AnyProbe | undefined;

/** The adapters' probes, imported on first use: a worker with the prober off never loads them. */
export async function adapterProbes(): Promise<ProbeLookup> {
  const { probeFor } = await import("../../adapters");
  adaptersLoaded = true;
  return (kind) => {
    if (kind === "push") return undefined;
    try {
      return probeFor(kind) as unknown as AnyProbe;
    } catch {
      return undefined;
    }
  };
}

let adaptersLoaded = false;

/** Closes the adapters' shared connections (keep-alive agent, cached database clients), if they were loaded. */
export async function closeAdapterProbes(): Promise<void> {
  if (!adaptersLoaded) return;
  const { closeProbes } = await import("../../adapters");
  await closeProbes();
}
