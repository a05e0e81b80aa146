import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { components } from "@/db/schema";
import { recordPushBeat } from "@/server/health/prober/push";
import { hashPushToken } from "@/server/health/write-component";

export const dynamic = "force-dynamic";

/**
 * Heartbeat for a push component: a job calls this URL (GET or POST) when it
 * has run. The token is the credential; only its hash is stored.
 */
async function handler(_req: Request, ctx: { params: Promise<{ token: string }> }) {
  const { token } = await ctx.params;
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return Response.json({ ok: false, error: "unknown token" }, { status: 404 });
  const db = getDb();
  const [c] = await db
    .select({ id: components.id, paused: components.paused })
    .from(components)
    .where(and(eq(components.pushTokenHash, hashPushToken(token)), eq(components.kind, "push")));
  if (!c) return Response.json({ ok: false, error: "unknown token" }, { status: 404 });
  if (c.paused) return Response.json({ ok: false, error: "component is paused" }, { status: 409 });
  await recordPushBeat(db, c.id);
  return Response.json({ ok: true });
}

export { handler as GET, handler as POST };
