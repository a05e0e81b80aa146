import { timingSafeEqual } from "node:crypto";
import http from "node:http";
import { LAB_HOST, sendJson } from "./sample-service";
import { type LabServiceState, setKnobsInput } from "./schemas";

export type LabControlTarget = {
  state: () => { startedAt: Date; services: LabServiceState[] };
  setKnobs: (input: ReturnType<typeof setKnobsInput.parse>) => Promise<LabServiceState>;
};

const MAX_BODY = 4096;

function authorized(req: http.IncomingMessage, token: string): boolean {
  const given = Buffer.from(req.headers.authorization ?? "");
  const want = Buffer.from(`Bearer ${token}`);
  return given.length === want.length && timingSafeEqual(given, want);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error("body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The lab's control endpoint, on 127.0.0.1 only and behind a bearer token
 * from lab.json: `GET /state` and `POST /knobs` (a `setKnobsInput` body).
 * The web process calls it from the `lab` router.
 */
export function startControl(target: LabControlTarget, token: string, port: number): Promise<{ port: number; stop: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    void (async () => {
      if (!authorized(req, token)) return sendJson(res, 401, { error: "missing or wrong token" });
      const path = (req.url ?? "/").split("?")[0];
      if (req.method === "GET" && path === "/state") return sendJson(res, 200, target.state());
      if (req.method === "POST" && path === "/knobs") {
        let body: unknown;
        try {
          body = JSON.parse(await readBody(req));
        } catch (err) {
          return sendJson(res, 400, { error: `unreadable body: ${err instanceof Error ? err.message : String(err)}` });
        }
        const parsed = setKnobsInput.safeParse(body);
        if (!parsed.success) return sendJson(res, 400, { error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
        try {
          return sendJson(res, 200, await target.setKnobs(parsed.data));
        } catch (err) {
          return sendJson(res, 409, { error: err instanceof Error ? err.message : String(err) });
        }
      }
      return sendJson(res, 404, { error: "not found" });
    })().catch((err: unknown) => sendJson(res, 500, { error: String(err) }));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host: LAB_HOST, exclusive: true }, () => {
      server.off("error", reject);
      const addr = server.address();
      resolve({
        port: addr && typeof addr === "object" ? addr.port : port,
        stop: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}
