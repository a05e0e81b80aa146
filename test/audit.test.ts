import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "@/db/schema";
import { listAudit, listAuditInput } from "@/server/audit/list-audit";
import { testDb, type TestDb } from "./db";

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t.close();
});

async function insertRow(action = "test.audit"): Promise<number> {
  const [row] = await t.sql<{ id: string }[]>`
    insert into audit_log (actor_type, actor_label, action, target_type, target_id, details)
    values ('system', 'test', ${action}, 'thing', '42', ${JSON.stringify({ n: 1 })}::jsonb)
    returning id`;
  if (!row) throw new Error("no row");
  return Number(row.id);
}

type PgError = { code?: string; message: string; cause?: unknown };

/** The PostgreSQL error behind a failed statement (Drizzle wraps it in a DrizzleQueryError's cause). */
async function pgErrorOf(run: () => Promise<unknown>): Promise<PgError> {
  try {
    await run();
  } catch (err) {
    let e = err as PgError;
    while (!e.code && e.cause) e = e.cause as PgError;
    return e;
  }
  throw new Error("expected PostgreSQL to reject the statement");
}

describe("audit_log is append-only (migration 0001 triggers)", () => {
  it("accepts INSERT", async () => {
    const id = await insertRow("test.insert");
    const [row] = await t.db.select().from(auditLog).where(eq(auditLog.id, id));
    expect(row).toMatchObject({ action: "test.insert", actorType: "system", targetId: "42", details: { n: 1 } });
  });

  it("rejects UPDATE and leaves the row as it was", async () => {
    const id = await insertRow("test.update");
    const err = await pgErrorOf(() => t.sql`update audit_log set action = 'tampered' where id = ${id}`);
    expect(err.code).toBe("42501"); // insufficient_privilege
    expect(err.message).toContain("append-only: UPDATE");
    const [row] = await t.sql<{ action: string }[]>`select action from audit_log where id = ${id}`;
    expect(row?.action).toBe("test.update");
  });

  it("rejects UPDATE through Drizzle as well", async () => {
    const id = await insertRow("test.update.drizzle");
    const err = await pgErrorOf(() => t.db.update(auditLog).set({ actorLabel: "someone else" }).where(eq(auditLog.id, id)));
    expect(err.code).toBe("42501");
    expect(err.message).toContain("append-only: UPDATE");
  });

  it("rejects DELETE and keeps the row", async () => {
    const id = await insertRow("test.delete");
    const err = await pgErrorOf(() => t.sql`delete from audit_log where id = ${id}`);
    expect(err.code).toBe("42501");
    expect(err.message).toContain("append-only: DELETE");
    const [row] = await t.sql<{ n: number }[]>`select count(*)::int as n from audit_log where id = ${id}`;
    expect(row?.n).toBe(1);
  });

  it("rejects TRUNCATE (also with CASCADE) and keeps every row", async () => {
    await insertRow("test.truncate");
    const [before] = await t.sql<{ n: number }[]>`select count(*)::int as n from audit_log`;
    expect(before?.n).toBeGreaterThan(0);
    for (const stmt of ["truncate audit_log", "truncate table audit_log restart identity cascade"]) {
      const err = await pgErrorOf(() => t.sql.unsafe(stmt));
      expect(err.code).toBe("42501");
      expect(err.message).toContain("append-only: TRUNCATE");
    }
    const [after] = await t.sql<{ n: number }[]>`select count(*)::int as n from audit_log`;
    expect(after?.n).toBe(before?.n);
  });

  it("lists newest first and pages by id", async () => {
    const ids = [await insertRow("page.a"), await insertRow("page.b"), await insertRow("page.c")];
    const first = await listAudit(t.db, listAuditInput.parse({ action: "page.*", limit: 2 }));
    expect(first.items.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect(first.nextCursor).toBe(ids[1]);
    const second = await listAudit(t.db, listAuditInput.parse({ action: "page.*", limit: 2, cursor: first.nextCursor }));
    expect(second.items.map((r) => r.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeUndefined();
  });
});
