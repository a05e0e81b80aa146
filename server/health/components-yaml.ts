import { asc, eq, sql } from "drizzle-orm";
import { parseDocument, stringify } from "yaml";
import { z } from "zod";
import type { Db } from "@/db/client";
import { components, services } from "@/db/schema";
import { AppError } from "../errors";
import { type VerbCtx, mutation, zodFieldErrors } from "../core/verb";
import { redactConfig } from "./config-secrets";
import { type ComponentSpec, componentInput, componentsDocument } from "./schemas";
import { insertComponent, updateComponentRow } from "./write-component";

export const importYamlInput = z.object({ yaml: z.string().min(1, "Paste or upload a YAML document").max(20_000_000) });

/** Parses and validates every entry first; one bad entry rejects the whole document with a message per entry. */
export function parseComponentsYaml(text: string): ComponentSpec[] {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    const msg = doc.errors.map((e) => e.message.split("\n")[0]).join("; ");
    throw new AppError("BAD_REQUEST", `Not valid YAML: ${msg}`, { fieldErrors: { yaml: [msg] } });
  }
  const outer = componentsDocument.safeParse(doc.toJS());
  if (!outer.success) throw new AppError("BAD_REQUEST", "Expected a document with a `components:` list", { fieldErrors: zodFieldErrors(outer.error) });
  const specs: ComponentSpec[] = [];
  const fieldErrors: Record<string, string[]> = {};
  outer.data.components.forEach((entry, i) => {
    const r = componentInput.safeParse(entry);
    if (r.success) specs.push(r.data);
    else for (const [k, v] of Object.entries(zodFieldErrors(r.error))) fieldErrors[`components.${i}.${k}`] = v;
  });
  const bad = Object.keys(fieldErrors).length;
  if (bad) {
    const entries = new Set(Object.keys(fieldErrors).map((k) => k.split(".")[1])).size;
    throw new AppError("BAD_REQUEST", `${entries} of ${outer.data.components.length} entries are invalid; nothing was imported`, { fieldErrors });
  }
  return specs;
}

/** All-or-nothing: entries matching an existing service + name are updated, the rest created. */
export async function importComponentsYaml({ ctx, input }: { ctx: VerbCtx; input: unknown }) {
  return mutation(ctx, { role: "operator", schema: importYamlInput, input }, async (scope) => {
    const specs = parseComponentsYaml(scope.input.yaml);
    const existing = await scope.tx
      .select({ id: components.id, name: components.name, service: services.name })
      .from(components)
      .innerJoin(services, eq(services.id, components.serviceId));
    const byKey = new Map(existing.map((e) => [`${e.service.toLowerCase()}\u0000${e.name.toLowerCase()}`, e.id]));
    let created = 0;
    let updated = 0;
    for (const [i, spec] of specs.entries()) {
      const id = byKey.get(`${spec.service.toLowerCase()}\u0000${spec.name.toLowerCase()}`);
      if (id) {
        await updateComponentRow(scope.tx, id, spec, scope, `components.${i}.`);
        updated += 1;
      } else {
        await insertComponent(scope.tx, spec, scope, `components.${i}.`);
        created += 1;
      }
    }
    await scope.audit({ action: "component.import", targetType: "component", details: { created, updated } });
    return { created, updated };
  });
}

export async function exportComponentsYaml(db: Db): Promise<string> {
  const rows = await db
    .select({ c: components, service: services.name })
    .from(components)
    .innerJoin(services, eq(services.id, components.serviceId))
    .orderBy(asc(sql`lower(${services.name})`), asc(sql`lower(${components.name})`));
  const list = rows.map(({ c, service }) => ({
    service,
    name: c.name,
    kind: c.kind,
    intervalMs: c.intervalMs,
    timeoutMs: c.timeoutMs,
    unhealthyThreshold: c.unhealthyThreshold,
    healthyThreshold: c.healthyThreshold,
    ...(c.degradedLatencyMs ? { degradedLatencyMs: c.degradedLatencyMs } : {}),
    ...(c.tags.length ? { tags: c.tags } : {}),
    // Secrets are not exported: the marker keeps the stored value when re-imported.
    config: redactConfig(c.config),
  }));
  return `# Bulwark components, exported ${new Date().toISOString()}\n${stringify({ components: list })}`;
}
