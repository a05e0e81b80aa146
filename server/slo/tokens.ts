/**
 * API tokens for /api/v1 (SLI ingest, deploy gate): one service each, scoped.
 * Only the sha256 of a token is stored; the plain token is shown once, when it
 * is created. A token has 32 random bytes, so a fast unsalted hash is enough:
 * there is nothing to brute-force that a slow hash would protect.
 */
import { createHash, randomBytes } from "node:crypto";
import { desc, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { apiTokens, services } from "@/db/schema";
import { type VerbCtx, mutation } from "../core/verb";
import { AppError } from "../errors";
import { requireService } from "../health/resolve-service";
import { createTokenInput, tokenIdInput, tokenScopes } from "./schemas";
import type { TokenView } from "./types";

type Args = { ctx: VerbCtx; input: unknown };

export const API_TOKEN_PREFIX = "bwk_";
/** `bwk_` + 43 base64url characters (32 bytes). */
export const apiTokenPattern = /^bwk_[A-Za-z0-9_-]{43}$/;
/** Characters kept in clear (`bwk_` + 8) so lists can tell tokens apart without revealing them. */
const SHOWN_PREFIX = 12;

export const newApiToken = (): string => API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
export const hashApiToken = (token: string): string => createHash("sha256").update(token).digest("hex");

const viewColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  serviceId: apiTokens.serviceId,
  serviceName: services.name,
  prefix: apiTokens.prefix,
  scopes: apiTokens.scopes,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
};

const viewQuery = (db: DbOrTx) => db.select(viewColumns).from(apiTokens).innerJoin(services, eq(services.id, apiTokens.serviceId));

async function tokenView(db: DbOrTx, id: string): Promise<TokenView> {
  const [v] = await viewQuery(db).where(eq(apiTokens.id, id));
  if (!v) throw new Error(`token ${id} vanished`);
  return v;
}

/** Every token, revoked ones included (they explain a CI job's 401), newest first. */
export async function listTokens(db: Db): Promise<TokenView[]> {
  return viewQuery(db).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
}

/** The plain token is returned once, here, and never stored. */
export async function createToken({ ctx, input }: Args): Promise<{ token: string; view: TokenView }> {
  return mutation(ctx, { role: "admin", schema: createTokenInput, input }, async ({ tx, input, actor, audit }) => {
    const svc = await requireService(tx, input.service);
    const token = newApiToken();
    // Canonical order, no repeats: the list shows the same scopes however they were picked.
    const scopes = tokenScopes.filter((s) => input.scopes.includes(s));
    const [row] = await tx
      .insert(apiTokens)
      .values({
        serviceId: svc.id,
        name: input.name,
        tokenHash: hashApiToken(token),
        prefix: token.slice(0, SHOWN_PREFIX),
        scopes,
        createdBy: actor.type === "user" ? actor.id : null,
      })
      .returning({ id: apiTokens.id, prefix: apiTokens.prefix });
    if (!row) throw new Error("token insert returned no row");
    // The prefix identifies the token for people reading the log; the token itself never goes there.
    await audit({ action: "slo.token.create", targetType: "api_token", targetId: row.id, details: { name: input.name, service: svc.name, scopes, prefix: row.prefix } });
    return { token, view: await tokenView(tx, row.id) };
  });
}

/** Revoking twice is a no-op, not an error: the token is revoked either way. */
export async function revokeToken({ ctx, input }: Args): Promise<TokenView> {
  return mutation(ctx, { role: "admin", schema: tokenIdInput, input }, async ({ tx, input, audit, unchanged }) => {
    const [t] = await tx.select().from(apiTokens).where(eq(apiTokens.id, input.id)).for("update");
    if (!t) throw new AppError("NOT_FOUND", `Token ${input.id} not found`);
    if (t.revokedAt) {
      unchanged();
      return tokenView(tx, t.id);
    }
    await tx.update(apiTokens).set({ revokedAt: sql`now()` }).where(eq(apiTokens.id, t.id));
    await audit({ action: "slo.token.revoke", targetType: "api_token", targetId: t.id, details: { name: t.name, prefix: t.prefix } });
    return tokenView(tx, t.id);
  });
}
