/**
 * OpenSLO import verb: parse and check the whole file first
 * (from-openslo.ts), then create or update each SLO by key through the same
 * writer as the SLO form (upsertSloByKey), all in one transaction — one bad
 * document or one failing write leaves the database as it was.
 *
 * A dry run does the writes inside a savepoint and rolls it back, so it
 * catches what only the database knows (an unknown component, a key clash)
 * and says which SLOs would be created or updated, while writing nothing.
 */
import type { Tx } from "@/db/client";
import { type MutationScope, type VerbCtx, mutation } from "../../core/verb";
import { AppError } from "../../errors";
import { openSloImportInput } from "../schemas";
import type { ImportReport } from "../types";
import { upsertSloByKey } from "../write-slo";
import { docKey } from "./import-findings";
import { type PlannedSlo, originOf, planOpenSloImport } from "./from-openslo";

type Scope = Pick<MutationScope<unknown>, "audit" | "emit">;

class DryRunRollback extends Error {}

/** A writer's field errors (`sli.componentId`) re-keyed to the OpenSLO field they came from. */
function inDocument(err: unknown, p: PlannedSlo): unknown {
  if (!(err instanceof AppError)) return err;
  const where = `documents.${p.document} (${p.input.key ?? p.input.name})`;
  const fieldErrors: Record<string, string[]> = {};
  for (const [k, msgs] of Object.entries(err.fieldErrors ?? {})) {
    const key = originOf(p.origins, k.split("."), docKey(p.document, ""));
    (fieldErrors[key] ??= []).push(...(msgs ?? []));
  }
  if (Object.keys(fieldErrors).length === 0) fieldErrors[docKey(p.document, "")] = [err.message];
  return new AppError(err.code, `${where}: ${err.message}`, { fieldErrors, cause: err });
}

async function writeAll(tx: Tx, slos: PlannedSlo[], scope: Scope): Promise<ImportReport["slos"]> {
  const out: ImportReport["slos"] = [];
  for (const p of slos) {
    try {
      const r = await upsertSloByKey(tx, p.input, scope);
      out.push({ key: r.key, name: p.input.name, action: r.action });
    } catch (err) {
      throw inDocument(err, p);
    }
  }
  return out;
}

export async function importOpenSlo({ ctx, input }: { ctx: VerbCtx; input: unknown }): Promise<ImportReport> {
  return mutation(ctx, { role: "operator", schema: openSloImportInput, input }, async ({ tx, input, audit, emit, unchanged }) => {
    const plan = planOpenSloImport(input.yaml, { defaultService: input.service });
    if (input.dryRun) {
      let slos: ImportReport["slos"] = [];
      const silent: Scope = { audit: async () => undefined, emit: async () => 0 };
      try {
        await tx.transaction(async (sp) => {
          slos = await writeAll(sp, plan.slos, silent);
          throw new DryRunRollback("dry run");
        });
      } catch (err) {
        if (!(err instanceof DryRunRollback)) throw err;
      }
      unchanged();
      return { dryRun: true, slos, unsupported: plan.unsupported };
    }
    const slos = await writeAll(tx, plan.slos, { audit, emit });
    await audit({
      action: "slo.import",
      targetType: "slo",
      targetId: null,
      details: {
        format: "openslo/v1",
        created: slos.filter((s) => s.action === "create").map((s) => s.key),
        updated: slos.filter((s) => s.action === "update").map((s) => s.key),
        unsupported: plan.unsupported.length,
      },
    });
    return { dryRun: false, slos, unsupported: plan.unsupported };
  });
}
