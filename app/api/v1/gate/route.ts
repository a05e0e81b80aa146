import { getDb } from "@/db/client";
import { parseInput } from "@/server/core/verb";
import { AppError } from "@/server/errors";
import { apiErrorResponse, apiJson, authenticateApiToken } from "@/server/slo/api-auth";
import { gateAnswer } from "@/server/slo/gate";
import { gateQuery } from "@/server/slo/schemas";

export const dynamic = "force-dynamic";

/**
 * The deploy gate for CI: `GET /api/v1/gate?service=<name or id>` with a
 * Bearer token that has the gate:read scope and belongs to that service.
 * 200 `{"allowed":true,…}` or 423 (Locked) `{"allowed":false,"reasons":[…],…}`,
 * so `curl -f` fails the CI step on a frozen budget. See docs/deploy-gate.md.
 */
export async function GET(req: Request): Promise<Response> {
  try {
    const db = getDb();
    const principal = await authenticateApiToken(db, req.headers.get("authorization"), "gate:read");
    const { service } = parseInput(gateQuery, { service: new URL(req.url).searchParams.get("service") ?? "" });
    // Compared with the token's own service, not looked up: a token learns nothing about other services.
    const own = service === principal.serviceId || service.toLowerCase() === principal.serviceName.toLowerCase();
    if (!own) throw new AppError("FORBIDDEN", `This token is for service ${principal.serviceName}, not ${service}`);
    const answer = await gateAnswer(db, principal.serviceId);
    // CI logs are often public: the override says why and until when, not which admin's email granted it (the audit log does).
    const body = answer.override ? { ...answer, override: { id: answer.override.id, justification: answer.override.justification, expiresAt: answer.override.expiresAt } } : answer;
    return apiJson(body, answer.allowed ? 200 : 423);
  } catch (err) {
    return apiErrorResponse(err, "/api/v1/gate");
  }
}
