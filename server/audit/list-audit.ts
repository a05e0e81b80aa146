import { and, desc, eq, gte, ilike, lt, lte, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { auditLog } from "@/db/schema";

export const listAuditInput = z
  .object({
    actor: z.string().trim().max(200).optional(),
    action: z.string().trim().max(100).optional(),
    target: z.string().trim().max(200).optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    cursor: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { path: ["to"], message: "'To' must be after 'from'" });

export type ListAuditInput = z.input<typeof listAuditInput>;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Newest first, keyset-paginated by id so deep pages stay fast on a large log. */
export async function listAudit(db: Db, input: z.output<typeof listAuditInput>) {
  const where: SQL[] = [];
  if (input.actor) where.push(ilike(auditLog.actorLabel, `%${escapeLike(input.actor)}%`));
  if (input.action) where.push(input.action.endsWith("*") ? ilike(auditLog.action, `${escapeLike(input.action.slice(0, -1))}%`) : eq(auditLog.action, input.action));
  if (input.target) {
    const t = escapeLike(input.target);
    where.push(or(ilike(auditLog.targetType, `%${t}%`), ilike(auditLog.targetId, `%${t}%`))!);
  }
  if (input.from) where.push(gte(auditLog.at, input.from));
  if (input.to) where.push(lte(auditLog.at, input.to));
  if (input.cursor) where.push(lt(auditLog.id, input.cursor));
  const rows = await db.select().from(auditLog).where(and(...where)).orderBy(desc(auditLog.id)).limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  return { items: page, nextCursor: rows.length > input.limit ? page[page.length - 1]?.id : undefined };
}

export async function auditActions(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action).limit(500);
  return rows.map((r) => r.action);
}
