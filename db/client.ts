import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres, { type Sql } from "postgres";
import * as schema from "./schema";

/** `$client` is the postgres.js pool under it, for the few statements written in raw SQL. */
export type Db = PostgresJsDatabase<typeof schema> & { $client: Sql };
/** A transaction handle: the same query surface as `Db`. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

type Handle = { sql: Sql; db: Db; url: string };

const g = globalThis as unknown as { __bulwarkDb?: Handle };

export function createDb(url: string, max = 10): Handle {
  const sql = postgres(url, {
    max,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => undefined,
    connection: { application_name: process.env.BULWARK_ROLE ?? "bulwark" },
  });
  return { sql, db: drizzle(sql, { schema, casing: "snake_case" }), url };
}

/**
 * The process-wide client, created on first use (not at import: `next build`
 * imports route modules without a DATABASE_URL) and kept on globalThis so hot
 * reload and the custom server share one pool.
 */
export function dbHandle(): Handle {
  if (!g.__bulwarkDb) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    g.__bulwarkDb = createDb(url);
  }
  return g.__bulwarkDb;
}

export const getDb = (): Db => dbHandle().db;
export const getSql = (): Sql => dbHandle().sql;

export async function closeDb(): Promise<void> {
  const h = g.__bulwarkDb;
  g.__bulwarkDb = undefined;
  if (h) await h.sql.end({ timeout: 5 });
}
