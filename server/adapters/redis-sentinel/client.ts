import Redis from "ioredis";
import { describeError } from "../errors";
import { parseInfo } from "../resp";

/**
 * Short-lived admin connections to sentinels and data nodes, one per address,
 * reused across steps. Every command has a deadline: ioredis's reconnect
 * loop and offline queue are off, so a dead peer fails the call at once
 * instead of queueing it behind a reconnect.
 */
export type HostPort = { host: string; port: number };

export const memberName = (hp: HostPort) => `${hp.host}:${hp.port}`;

export function parseMemberName(name: string): HostPort | null {
  const i = name.lastIndexOf(":");
  if (i <= 0) return null;
  const port = Number(name.slice(i + 1));
  return Number.isInteger(port) && port > 0 && port < 65536 ? { host: name.slice(0, i), port } : null;
}

export const sameAddr = (a: HostPort | null | undefined, b: HostPort | null | undefined) => !!a && !!b && a.host === b.host && a.port === b.port;

/** SENTINEL master / replicas reply (flat key, value, …) → record */
export function pairs(flat: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(flat)) return out;
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = String(flat[i + 1]);
  return out;
}

export const DEFAULT_TIMEOUT_MS = 2000;

export class RedisCallError extends Error {
  override name = "RedisCallError";
  constructor(
    readonly addr: HostPort,
    readonly command: string,
    readonly reason: string,
    /** the server answered with an error reply (as opposed to a network failure / timeout) */
    readonly replied: boolean,
  ) {
    super(`${memberName(addr)} ${command}: ${reason}`);
  }
}

export class NodeClients {
  private readonly conns = new Map<string, Redis>();

  constructor(
    private readonly passwords: { data?: string; sentinel?: string },
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  private conn(hp: HostPort, kind: "data" | "sentinel"): Redis {
    const key = `${kind}/${memberName(hp)}`;
    const existing = this.conns.get(key);
    if (existing && existing.status !== "end" && existing.status !== "close") return existing;
    existing?.disconnect();
    const r = new Redis({
      host: hp.host,
      port: hp.port,
      password: kind === "data" ? this.passwords.data : this.passwords.sentinel,
      lazyConnect: true,
      connectTimeout: Math.min(this.timeoutMs, 2000),
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      // the ready check's INFO would add a round trip to every new connection for nothing
      enableReadyCheck: false,
      // visible in CLIENT LIST on the nodes an operation touches
      connectionName: "bulwark-failover",
    });
    r.on("error", () => {});
    this.conns.set(key, r);
    return r;
  }

  /**
   * One command with a deadline; `timeoutMs` overrides the default (e.g. a
   * short poll). A reused connection the server closed meanwhile (sentinel
   * runs CLIENT KILL on the nodes it reconfigures) is replaced and the command
   * sent once more.
   */
  async call(hp: HostPort, kind: "data" | "sentinel", args: string[], timeoutMs = this.timeoutMs): Promise<unknown> {
    const text = args.slice(0, 2).join(" ");
    for (let attempt = 0; ; attempt++) {
      const r = this.conn(hp, kind);
      const reused = r.status === "ready";
      try {
        return await this.once(r, args, timeoutMs);
      } catch (err) {
        const replied = err instanceof Error && err.name === "ReplyError";
        const timedOut = err instanceof Error && err.message.startsWith("timed out");
        if (!replied && !timedOut && reused && attempt === 0) continue;
        throw new RedisCallError(hp, text, replied ? (err as Error).message : describeError(err), replied);
      }
    }
  }

  private async once(r: Redis, args: string[], timeoutMs: number): Promise<unknown> {
    const [cmd, ...rest] = args;
    // the reply may still arrive after a timeout: drop the connection so it cannot be read as the next command's reply
    if (r.status === "wait") await withTimeout(r.connect(), timeoutMs, () => r.disconnect());
    return withTimeout(r.call(cmd as string, ...rest), timeoutMs, () => r.disconnect());
  }

  data(hp: HostPort, args: string[], timeoutMs?: number) {
    return this.call(hp, "data", args, timeoutMs);
  }

  sentinel(hp: HostPort, args: string[], timeoutMs?: number) {
    return this.call(hp, "sentinel", args, timeoutMs);
  }

  async info(hp: HostPort, section = "replication", timeoutMs?: number): Promise<Record<string, string>> {
    return parseInfo(String(await this.data(hp, ["INFO", section], timeoutMs)));
  }

  async close(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await Promise.all(all.map((r) => withTimeout(r.quit().catch(() => undefined), 500, () => r.disconnect()).catch(() => r.disconnect())));
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          onTimeout();
          reject(new Error(`timed out after ${ms} ms`));
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export { sleep } from "@/server/core/sleep";


/** the reply of SENTINEL get-master-addr-by-name → address */
export function addrReply(v: unknown): HostPort | null {
  if (!Array.isArray(v) || v.length < 2) return null;
  const port = Number(v[1]);
  return Number.isInteger(port) ? { host: String(v[0]), port } : null;
}
