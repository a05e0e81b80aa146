/**
 * Per-file databases. `testDb()` clones the migrated template that
 * test/global-setup.ts prepared (`CREATE DATABASE … TEMPLATE`), so each test
 * file starts from an empty, fully migrated schema and shares nothing with the
 * files running beside it.
 */
import { randomBytes } from "node:crypto";
import postgres, { type Sql } from "postgres";
import { inject } from "vitest";
import { createDb, type Db } from "@/db/client";

export type TestDb = { db: Db; sql: Sql; url: string; name: string; close: () => Promise<void> };

const quote = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

export function databaseUrl(name: string): string {
  const u = new URL(inject("pgAdminUrl"));
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs `fn` on a short-lived superuser connection to the maintenance database. */
export async function withAdmin<T>(fn: (admin: Sql) => Promise<T>): Promise<T> {
  const admin = postgres(inject("pgAdminUrl"), { max: 1, onnotice: () => undefined });
  try {
    return await fn(admin);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

export async function testDb(): Promise<TestDb> {
  const name = `t_${process.pid}_${randomBytes(4).toString("hex")}`;
  const template = inject("pgTemplateDb");
  await withAdmin(async (admin) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`create database ${quote(name)} template ${quote(template)}`);
        return;
      } catch (err) {
        // 55006: "source database is being accessed by other users" — only transient here.
        const code = (err as { code?: string }).code;
        if (code !== "55006" || attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });
  const url = databaseUrl(name);
  const h = createDb(url);
  return { db: h.db, sql: h.sql, url, name, close: () => h.sql.end({ timeout: 5 }) };
}

/** Row counts of every table in the public schema, found through information_schema (not a hand-kept list). */
export async function publicRowCounts(sql: Sql): Promise<Record<string, number>> {
  const tables = await sql<{ table_name: string }[]>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE'
    order by table_name`;
  const out: Record<string, number> = {};
  for (const { table_name } of tables) {
    const [row] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from public.${quote(table_name)}`);
    out[table_name] = row?.n ?? -1;
  }
  return out;
}
