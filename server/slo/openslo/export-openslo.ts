/**
 * OpenSLO export: the chosen SLOs (by id, by service, or all) as one
 * multi-document YAML stream, ordered by service and key so two exports of
 * the same definitions are byte-for-byte equal.
 */
import { and, asc, eq, inArray, type SQL } from "drizzle-orm";
import type { z } from "zod";
import type { Db } from "@/db/client";
import { services, slos } from "@/db/schema";
import { requireService } from "../../health/resolve-service";
import type { openSloExportInput } from "../schemas";
import { toDefinition } from "../slo-row";
import { stringifyDocuments, toOpenSloDocument } from "./to-openslo";

export async function exportOpenSlo(db: Db, input: z.output<typeof openSloExportInput>): Promise<{ yaml: string; count: number }> {
  const where: SQL[] = [];
  if (input.ids !== undefined) {
    if (input.ids.length === 0) return { yaml: "", count: 0 };
    where.push(inArray(slos.id, input.ids));
  }
  if (input.service !== undefined && input.service.trim() !== "") where.push(eq(slos.serviceId, (await requireService(db, input.service)).id));
  const rows = await db
    .select({ slo: slos, serviceName: services.name })
    .from(slos)
    .innerJoin(services, eq(services.id, slos.serviceId))
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(asc(services.name), asc(slos.key));
  const docs = rows.map((r) => toOpenSloDocument(toDefinition(r.slo, r.serviceName)));
  return { yaml: stringifyDocuments(docs), count: docs.length };
}
