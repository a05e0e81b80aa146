import { ConstantBackoff, TimeoutStrategy, handleWhen, retry, timeout, wrap, type IPolicy } from "cockatiel";
import { request } from "undici";
import type { z } from "zod";
import { agentMembers, agentOk, agentStopResult, type AgentMember } from "@/server/failover/agent-protocol";

/**
 * Client of the host agent (server/failover/agent-protocol.ts).
 *
 * Retries: GET /members any time it fails; an action (stop, start, reclone,
 * kill) only when the connection was refused, i.e. the request certainly never
 * reached the agent. A timed-out or reset action may have been done: the
 * caller re-observes instead of sending it again blindly.
 */
export class AgentError extends Error {
  override name = "AgentError";
}

const TIMEOUTS_MS = { members: 5_000, stop: 60_000, start: 90_000, reclone: 180_000, kill: 15_000 } as const;

const refused = (err: Error): boolean => (err as { code?: string }).code === "ECONNREFUSED";

export class AgentClient {
  private readonly base: string;
  private readonly readRetry: IPolicy = retry(handleWhen((e) => !(e instanceof AgentError && e.message.includes("HTTP 4"))), { maxAttempts: 2, backoff: new ConstantBackoff(200) });
  private readonly actionRetry: IPolicy = retry(handleWhen(refused), { maxAttempts: 2, backoff: new ConstantBackoff(200) });

  constructor(url: string, private readonly token: string | undefined) {
    this.base = url.replace(/\/+$/, "");
  }

  /** what an operator would type (the token stays out of logs) */
  curl(method: "GET" | "POST", path: string, body?: unknown): string {
    const data = body === undefined ? "" : ` -H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
    return `curl -sS -X ${method} -H 'Authorization: Bearer $AGENT_TOKEN' ${this.base}${path}${data}`;
  }

  async members(): Promise<AgentMember[]> {
    const res = await this.call("GET", "/v1/members", undefined, TIMEOUTS_MS.members, agentMembers, this.readRetry);
    return res.members;
  }

  async member(name: string): Promise<AgentMember | undefined> {
    return (await this.members()).find((m) => m.name === name);
  }

  stop(name: string, mode: "fast" | "immediate") {
    return this.call("POST", `/v1/members/${encodeURIComponent(name)}/stop`, { mode }, TIMEOUTS_MS.stop, agentStopResult, this.actionRetry);
  }

  start(name: string, primary?: string) {
    return this.call("POST", `/v1/members/${encodeURIComponent(name)}/start`, primary ? { primary } : {}, TIMEOUTS_MS.start, agentOk, this.actionRetry);
  }

  reclone(name: string, primary: string) {
    return this.call("POST", `/v1/members/${encodeURIComponent(name)}/reclone`, { primary }, TIMEOUTS_MS.reclone, agentOk, this.actionRetry);
  }

  kill(name: string) {
    return this.call("POST", `/v1/members/${encodeURIComponent(name)}/kill`, {}, TIMEOUTS_MS.kill, agentOk, this.actionRetry);
  }

  private async call<S extends z.ZodType>(method: "GET" | "POST", path: string, body: unknown, ms: number, schema: S, policy: IPolicy): Promise<z.output<S>> {
    const url = `${this.base}${path}`;
    const perAttempt = timeout(ms, TimeoutStrategy.Cooperative);
    return wrap(policy, perAttempt).execute(async ({ signal }) => {
      let res;
      try {
        res = await request(url, {
          method,
          signal,
          headers: { authorization: `Bearer ${this.token ?? ""}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (err) {
        if (signal.aborted) throw new AgentError(`agent ${method} ${path} did not answer within ${ms} ms`);
        throw err;
      }
      const text = await res.body.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
      if (res.statusCode >= 400) {
        const msg = json && typeof json === "object" && "error" in json ? String((json as { error: unknown }).error) : text.slice(0, 200);
        throw new AgentError(`agent ${method} ${path}: HTTP ${res.statusCode}: ${msg}`);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw new AgentError(`agent ${method} ${path}: unexpected answer ${text.slice(0, 200)}`);
      return parsed.data;
    });
  }
}
