import { getDb } from "@/db/client";
import { env } from "@/server/config/env";
import { checkReadiness } from "@/server/web/readiness";

export const dynamic = "force-dynamic";

export async function GET() {
  const r = await checkReadiness(getDb(), env().BULWARK_WORKER_STALE_MS);
  return Response.json({ status: r.ready ? "ready" : "not ready", checks: r.checks }, { status: r.ready ? 200 : 503, headers: { "cache-control": "no-store" } });
}
