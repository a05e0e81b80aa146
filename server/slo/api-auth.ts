/**
 * Machine authentication for /api/v1 (SLI ingest, deploy gate): a Bearer API
 * token from server/slo/tokens.ts, and the one mapping of errors to JSON
 * responses those routes share. No Next imports: Request/Response are the web
 * platform's.
 */
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { apiTokens, services } from "@/db/schema";
import { AppError, toHttpStatus } from "../errors";
import { log } from "../log";
import type { TokenScope } from "./schemas";
import { apiTokenPattern, hashApiToken } from "./tokens";

export interface ApiPrincipal {
  tokenId: string;
  serviceId: string;
  serviceName: string;
  scopes: string[];
}

/** One message for a missing, malformed, unknown or revoked token: a caller learns nothing about which. */
const UNAUTHORIZED_MESSAGE = "Send a valid, unrevoked API token: Authorization: Bearer bwk_…";

/** Writing last_used_at on every request would turn each read into a write; a minute's precision is plenty. */
const LAST_USED_RESOLUTION_MS = 60_000;

export async function authenticateApiToken(db: DbOrTx, authorization: string | null | undefined, scope: TokenScope): Promise<ApiPrincipal> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  const token = m?.[1];
  if (!token || !apiTokenPattern.test(token)) throw new AppError("UNAUTHORIZED", UNAUTHORIZED_MESSAGE);
  const [t] = await db
    .select({ id: apiTokens.id, serviceId: apiTokens.serviceId, serviceName: services.name, scopes: apiTokens.scopes, lastUsedAt: apiTokens.lastUsedAt, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .innerJoin(services, eq(services.id, apiTokens.serviceId))
    .where(eq(apiTokens.tokenHash, hashApiToken(token)));
  if (!t || t.revokedAt) throw new AppError("UNAUTHORIZED", UNAUTHORIZED_MESSAGE);
  if (!t.scopes.includes(scope)) throw new AppError("FORBIDDEN", `This token lacks the ${scope} scope`);
  if (!t.lastUsedAt || Date.now() - t.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // Conditional in SQL too, so a burst of parallel requests writes once.
    await db
      .update(apiTokens)
      .set({ lastUsedAt: sql`now()` })
      .where(and(eq(apiTokens.id, t.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, sql`now() - interval '1 minute'`))));
  }
  return { tokenId: t.id, serviceId: t.serviceId, serviceName: t.serviceName, scopes: t.scopes };
}

/** JSON with caching off: API answers describe "now". */
export function apiJson(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } });
}

/** AppError → its HTTP status with `{error, fieldErrors?}`; anything else → 500 without its message (logged). */
export function apiErrorResponse(err: unknown, route: string): Response {
  if (err instanceof AppError) {
    const headers: Record<string, string> = err.code === "UNAUTHORIZED" ? { "www-authenticate": 'Bearer realm="bulwark"' } : {};
    return apiJson({ error: err.message, ...(err.fieldErrors ? { fieldErrors: err.fieldErrors } : {}) }, toHttpStatus(err.code), headers);
  }
  log.error({ err, route }, "api request failed");
  return apiJson({ error: "Internal error" }, 500);
}
