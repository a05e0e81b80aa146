type PgError = { code?: string; constraint_name?: string };

/** The PostgreSQL error under a postgres.js or drizzle error (drizzle wraps it as `cause`). */
function pgError(err: unknown): PgError | null {
  const e = err as (PgError & { cause?: PgError }) | null;
  if (!e || typeof e !== "object") return null;
  if (typeof e.code === "string") return e;
  if (e.cause && typeof e.cause.code === "string") return e.cause;
  return null;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const pg = pgError(err);
  return pg?.code === "23505" && (constraint === undefined || pg.constraint_name === constraint);
}

export const isForeignKeyViolation = (err: unknown): boolean => pgError(err)?.code === "23503";
