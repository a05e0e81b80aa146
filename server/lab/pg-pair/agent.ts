import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import { z } from "zod";
import { agentRecloneInput, agentStartInput, agentStopInput, type AgentMember } from "../../failover/agent-protocol";
import type { PairLog, StopOutcome } from "./member";

/** What the agent acts on; the pair implements it. Actions return when done. */
export type AgentBackend = {
  members: () => AgentMember[];
  stop: (name: string, mode: "fast" | "immediate") => Promise<StopOutcome>;
  start: (name: string, primary?: string) => Promise<void>;
  reclone: (name: string, primary: string) => Promise<void>;
  kill: (name: string) => Promise<void>;
};

/** A refusal with its HTTP status (unknown member, a primary that cannot be used, …). */
export class AgentRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type PgAgent = { port: number; url: string; stop: () => Promise<void> };

const MAX_BODY = 16 * 1024;
const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * The host agent of server/failover/agent-protocol.ts over HTTP on 127.0.0.1:
 * bearer token, zod-validated bodies, `{ error }` on every failure.
 */
export async function startAgent(opts: { port: number; token: string; backend: AgentBackend; log?: PairLog }): Promise<PgAgent> {
  const wanted = digest(opts.token);
  const authorized = (req: http.IncomingMessage) => {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
    return m !== null && timingSafeEqual(digest(m[1]!), wanted);
  };
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (!authorized(req)) return send(res, 401, { error: "missing or wrong bearer token" });
    const url = new URL(req.url ?? "/", "http://agent");
    if (url.pathname === "/v1/members") {
      if (req.method !== "GET") return send(res, 405, { error: "use GET /v1/members" });
      return send(res, 200, { members: opts.backend.members() });
    }
    const m = /^\/v1\/members\/([^/]+)\/(stop|start|reclone|kill)$/.exec(url.pathname);
    if (!m) return send(res, 404, { error: `no such endpoint: ${req.method} ${url.pathname}` });
    if (req.method !== "POST") return send(res, 405, { error: `use POST ${url.pathname}` });
    const name = decodeURIComponent(m[1]!);
    const action = m[2] as "stop" | "start" | "reclone" | "kill";
    if (!opts.backend.members().some((x) => x.name === name)) return send(res, 404, { error: `unknown member "${name}"` });
    const raw = await readBody(req);
    const started = Date.now();
    opts.log?.info({ member: name, action }, "lab agent action");
    switch (action) {
      case "stop": {
        const body = agentStopInput.parse(raw);
        const out = await opts.backend.stop(name, body.mode);
        if (!out.clean) opts.log?.warn({ member: name, mode: body.mode, exitCode: out.exitCode }, "lab member did not shut down cleanly");
        return send(res, 200, { ok: true, stoppedAt: new Date().toISOString(), ...out });
      }
      case "start": {
        const body = agentStartInput.parse(raw);
        await opts.backend.start(name, body.primary);
        break;
      }
      case "reclone": {
        const body = agentRecloneInput.parse(raw);
        await opts.backend.reclone(name, body.primary);
        break;
      }
      case "kill":
        await opts.backend.kill(name);
        break;
    }
    return send(res, 200, { ok: true, ms: Date.now() - started });
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      if (err instanceof BadBody) return send(res, 400, { error: err.message });
      if (err instanceof z.ZodError) return send(res, 400, { error: `invalid body: ${describeZod(err)}` });
      if (err instanceof AgentRefusal) return send(res, err.status, { error: err.message });
      opts.log?.warn({ err }, "lab agent action failed");
      return send(res, 500, { error: err instanceof Error ? err.message : String(err) });
    });
  });
  // actions (a clone, a slow start) can take longer than node's default request timeout on a busy machine
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: opts.port, host: "127.0.0.1", exclusive: true }, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : opts.port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

class BadBody extends Error {}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new BadBody("body too large");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadBody("body is not valid JSON");
  }
}

const describeZod = (err: z.ZodError) =>
  err.issues.map((i) => `${i.path.length ? i.path.join(".") : "body"}: ${i.message}`).join("; ");
