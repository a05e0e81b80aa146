import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { components } from "@/db/schema";
import type { Actor } from "../core/actor";
import { parseInput, requireRole } from "../core/verb";
import { sealConfigSecrets } from "./config-secrets";
import type { ProbeResult } from "./probe-types";
import { type ComponentKind, type KindConfig, componentInput } from "./schemas";

export const testNowInput = z.object({
  component: componentInput,
  /** when editing: stored secrets fill in the redacted fields */
  id: z.uuid().optional(),
});

/**
 * "Test now": runs the probe once, from the web process, for a component as
 * it is in the form (not saved). Bounded by the component's timeout, so it is
 * short work; nothing is written.
 */
export async function testProbe(db: Db, actor: Actor, raw: unknown): Promise<ProbeResult> {
  requireRole(actor, "operator");
  const { component, id } = parseInput(testNowInput, raw);
  if (component.kind === "push") return { ok: true, latencyMs: null, message: "Push components are not probed: they wait for heartbeats" };
  const [stored] = id ? await db.select({ config: components.config }).from(components).where(eq(components.id, id)) : [];
  // Parsed by the kind's schema above; only redacted secrets were filled in from the stored row.
  const config = sealConfigSecrets(component.config, stored?.config) as KindConfig[ComponentKind];
  const { runProbe } = await import("../adapters");
  return runProbe(component.kind, config, { signal: AbortSignal.timeout(component.timeoutMs + 1000), timeoutMs: component.timeoutMs });
}
