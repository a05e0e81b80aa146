import { getDb, getSql } from "@/db/client";
import { AppError } from "@/server/errors";
import { apiErrorResponse, apiJson, authenticateApiToken } from "@/server/slo/api-auth";
import { ingestSliBatch } from "@/server/slo/ingest";

export const dynamic = "force-dynamic";

/** 10,000 events of ~200 bytes each, with room to spare; larger bodies are refused before parsing. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** 413 has no AppError code: it is a transport limit, answered here rather than by the domain. */
class BodyTooLarge extends Error {}
const tooLarge = () => new BodyTooLarge(`Body larger than ${MAX_BODY_BYTES / 1024 / 1024} MB: send smaller batches`);

/** Reads the body up to the limit; a chunked body without Content-Length is cut off there too. */
async function readJson(req: Request): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const reader = req.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("BAD_REQUEST", "Body is not valid JSON", { fieldErrors: { _form: ["Send a JSON object: {\"idempotencyKey\": …, \"events\": [...]}"] } });
  }
}

/**
 * Pushed SLI events: `{idempotencyKey, events: [{slo|key, timestamp, good, total}]}`
 * with a Bearer token that has the sli:write scope. 202 when recorded (or
 * already recorded under the same key), 400 with per-event field errors when
 * any event is invalid (nothing recorded), 413 above 5 MB. See docs/deploy-gate.md.
 */
export async function POST(req: Request): Promise<Response> {
  try {
    const principal = await authenticateApiToken(getDb(), req.headers.get("authorization"), "sli:write");
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (err) {
      if (err instanceof BodyTooLarge) return apiJson({ error: err.message }, 413);
      throw err;
    }
    const result = await ingestSliBatch(getSql(), principal, body, req.headers.get("idempotency-key"));
    return apiJson(result, 202);
  } catch (err) {
    return apiErrorResponse(err, "/api/v1/sli");
  }
}
