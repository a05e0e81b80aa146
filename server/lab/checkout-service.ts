import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { type Handler, sendJson } from "./sample-service";

const QUERY_TIMEOUT_MS = 2_000;

/**
 * The checkout sample depends on the database: its readiness runs `select 1`
 * on its own small postgres.js pool and fails (503) when PostgreSQL does not
 * answer. Liveness stays ok: the process itself is fine.
 */
export function checkoutService(dbUrl: string) {
  const sql = postgres(dbUrl, {
    max: 2,
    connect_timeout: QUERY_TIMEOUT_MS / 1000,
    idle_timeout: 30,
    max_lifetime: 60 * 10,
    onnotice: () => undefined,
    connection: { application_name: "bulwark-lab-checkout" },
  });

  async function ping(): Promise<{ ok: true; latencyMs: number } | { ok: false; error: string }> {
    const t0 = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${QUERY_TIMEOUT_MS} ms`)), QUERY_TIMEOUT_MS);
      });
      await Promise.race([sql`select 1`, timeout]);
      return { ok: true, latencyMs: Math.round((performance.now() - t0) * 10) / 10 };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      return { ok: false, error: [e.code, e.message].filter(Boolean).join(": ") || String(err) };
    } finally {
      clearTimeout(timer);
    }
  }

  const handler: Handler = async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    switch (path) {
      case "/health":
      case "/health/live":
      case "/health/startup":
        return sendJson(res, 200, { status: "ok" });
      case "/health/ready": {
        const db = await ping();
        if (db.ok) return sendJson(res, 200, { status: "ok", checks: { database: { status: "ok", latencyMs: db.latencyMs } } });
        return sendJson(res, 503, { status: "fail", checks: { database: { status: "fail", error: db.error } } });
      }
      case "/checkout": {
        if (req.method !== "POST") return sendJson(res, 405, { status: "fail", reason: "use POST" });
        const db = await ping();
        if (!db.ok) return sendJson(res, 503, { status: "fail", reason: `database: ${db.error}` });
        return sendJson(res, 201, { status: "ok", orderId: randomUUID() });
      }
      default:
        return sendJson(res, 404, { status: "fail", reason: "not found" });
    }
  };

  return { handler, close: () => sql.end({ timeout: 2 }) };
}
