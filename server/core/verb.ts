import type { z } from "zod";
import type { Db, Tx } from "@/db/client";
import { AppError, forbidden } from "../errors";
import { type Actor, type Role, actorHasRole } from "./actor";
import { type AuditEntry, recordAudit } from "../audit/record-audit";
import { type EventEntry, emitEvent } from "../events/emit-event";

/** What every domain verb receives: who acts, on which database, for which request. */
export type VerbCtx = { actor: Actor; db: Db; requestId: string | null };

export type MutationScope<I> = {
  tx: Tx;
  input: I;
  actor: Actor;
  audit: (entry: AuditEntry) => Promise<void>;
  emit: (entry: EventEntry) => Promise<number>;
  /** Declares that the verb changed nothing (e.g. setting a role the user already has), so no audit row is due. */
  unchanged: () => void;
};

export function zodFieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_form";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors = zodFieldErrors(parsed.error);
    const first = parsed.error.issues[0];
    const where = first?.path.length ? `${first.path.join(".")}: ` : "";
    throw new AppError("BAD_REQUEST", `Invalid input: ${where}${first?.message ?? "rejected"}`, { fieldErrors });
  }
  return parsed.data;
}

export function requireRole(actor: Actor, role: Role): void {
  if (actor.type === "anonymous") throw new AppError("UNAUTHORIZED", "Sign in first");
  if (!actorHasRole(actor, role)) throw forbidden(`This needs the ${role} role`);
}

/**
 * The one path every mutation takes, in this order: check the role, parse the
 * input, open a transaction, let the verb load and write, and record its audit
 * row and outbox event in that same transaction. A verb that writes no audit
 * row is a bug, so the transaction is rolled back, unless it declared with
 * `unchanged()` that there was nothing to do.
 */
export async function mutation<S extends z.ZodType, R>(
  ctx: VerbCtx,
  spec: { role: Role; schema: S; input: unknown },
  body: (scope: MutationScope<z.output<S>>) => Promise<R>,
): Promise<R> {
  requireRole(ctx.actor, spec.role);
  const input = parseInput(spec.schema, spec.input);
  return ctx.db.transaction(async (tx) => {
    let audited = 0;
    let unchanged = false;
    const result = await body({
      tx,
      input,
      actor: ctx.actor,
      audit: async (entry) => {
        audited += 1;
        await recordAudit(tx, ctx.actor, ctx.requestId, entry);
      },
      emit: (entry) => emitEvent(tx, entry),
      unchanged: () => {
        unchanged = true;
      },
    });
    if (audited === 0 && !unchanged) throw new Error("mutation finished without an audit row");
    return result;
  });
}
