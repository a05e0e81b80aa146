import { getDb } from "@/db/client";
import { checkStartup } from "@/server/web/readiness";

export const dynamic = "force-dynamic";

export async function GET() {
  const r = await checkStartup(getDb());
  return Response.json({ status: r.ready ? "started" : "starting", checks: r.checks }, { status: r.ready ? 200 : 503, headers: { "cache-control": "no-store" } });
}
