import net from "node:net";
import tls from "node:tls";
import { unseal } from "@/server/crypto/secrets";
import type { Probe, ProbeResult } from "@/server/health/probe-types";
import type { KindConfig } from "@/server/health/schemas";
import { elapsedMs, failure, withDeadline } from "./deadline";
import { cachedLookup } from "./dns-cache";
import { describeError } from "./errors";
import { decodeReply, encodeCommand, parseInfo, RespError, type RespValue } from "./resp";

/**
 * redis: one short connection per check over raw RESP, every command written
 * at once: [AUTH], PING, INFO replication, INFO clients, QUIT. Raw RESP rather
 * than ioredis because a check is four commands and a hang-up: ioredis's
 * reconnect loop, offline queue and retry-per-request would all have to be
 * switched off, and its errors ("Connection is closed") say less than the
 * server's own replies. QUIT makes the server close first, so TIME_WAIT stays
 * on the server side rather than piling up on the prober.
 */
const MAX_REPLY_BYTES = 1024 * 1024;

export const redisProbe: Probe<KindConfig["redis"]> = (config, ctx) =>
  withDeadline(
    ctx,
    (signal, started) =>
      new Promise<ProbeResult>((resolve) => {
        const password = config.password ? unseal(config.password) : undefined;
        const commands = [...(password ? [["AUTH", password]] : []), ["PING"], ["INFO", "replication"], ["INFO", "clients"], ["QUIT"]];
        const socket = config.tls
          ? tls.connect({ host: config.host, port: config.port, servername: net.isIP(config.host) ? undefined : config.host, lookup: cachedLookup })
          : net.connect({ host: config.host, port: config.port, lookup: cachedLookup, noDelay: true });
        let settled = false;
        const finish = (r: ProbeResult) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener("abort", onAbort);
          resolve(r);
        };
        const onAbort = () => socket.destroy();
        signal.addEventListener("abort", onAbort, { once: true });

        let buf: Buffer = Buffer.alloc(0);
        const replies: RespValue[] = [];
        socket.once(config.tls ? "secureConnect" : "connect", () => socket.write(Buffer.concat(commands.map(encodeCommand))));
        socket.on("data", (chunk: Buffer) => {
          if (settled) return;
          buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
          if (buf.length > MAX_REPLY_BYTES) {
            socket.destroy();
            return finish(failure(started, "reply too large"));
          }
          try {
            let r = decodeReply(buf);
            while (r) {
              replies.push(r.value);
              buf = buf.subarray(r.next);
              r = decodeReply(buf);
            }
          } catch (err) {
            socket.destroy();
            return finish(failure(started, describeError(err)));
          }
          // Everything but QUIT's +OK answers the check; the server hangs up after QUIT.
          if (replies.length >= commands.length - 1) {
            finish(evaluate(replies, Boolean(password), started));
            setTimeout(() => socket.destroy(), 1000).unref();
          }
        });
        socket.on("error", (err) => {
          socket.destroy();
          finish(failure(started, describeError(err)));
        });
        socket.on("close", () => {
          finish(replies.length ? evaluate(replies, Boolean(password), started) : failure(started, "connection closed without a reply"));
        });
      }),
  );

function evaluate(replies: RespValue[], authed: boolean, started: number): ProbeResult {
  let i = 0;
  if (authed) {
    const auth = replies[i++];
    if (auth instanceof RespError) return failure(started, `authentication failed: ${auth.message}`);
  }
  const ping = replies[i++];
  if (ping instanceof RespError) return failure(started, replyError(ping.message));
  if (ping !== "PONG") return failure(started, ping === undefined ? "connection closed without a reply" : "unexpected reply to PING");
  const latencyMs = elapsedMs(started);
  const repl = replies[i++];
  const clients = replies[i++];
  const details: Record<string, unknown> = {};
  let warning: string | null = null;
  const parts = ["PONG"];

  if (typeof repl === "string") {
    const info = parseInfo(repl);
    const primary = info.role === "master";
    details.role = primary ? "primary" : info.role === "slave" ? "replica" : (info.role ?? null);
    details.offset = num(info.master_repl_offset);
    parts.push(`${String(details.role)}, offset ${details.offset ?? "?"}`);
    if (primary) {
      details.replicas = Object.entries(info)
        .filter(([k]) => /^slave\d+$/.test(k))
        .map(([, v]) => {
          const f = Object.fromEntries(v.split(",").map((kv) => kv.split("=") as [string, string]));
          const offset = num(f.offset);
          const lagBytes = offset !== null && typeof details.offset === "number" ? details.offset - offset : null;
          return { address: `${f.ip}:${f.port}`, state: f.state, offset, lagBytes, lagSeconds: num(f.lag) };
        });
    } else {
      details.primary = {
        address: `${info.master_host}:${info.master_port}`,
        linkStatus: info.master_link_status ?? null,
        lastIoSecondsAgo: num(info.master_last_io_seconds_ago),
        syncInProgress: info.master_sync_in_progress === "1",
      };
      if (info.master_link_status && info.master_link_status !== "up") {
        warning = `replication link to ${info.master_host}:${info.master_port} is ${info.master_link_status}`;
      }
    }
  } else if (repl instanceof RespError) {
    details.infoError = repl.message;
  }
  if (typeof clients === "string") {
    const info = parseInfo(clients);
    details.connectedClients = num(info.connected_clients);
    details.maxClients = num(info.maxclients);
    if (details.connectedClients !== null) parts.push(`${details.connectedClients} clients`);
  }
  return { ok: true, latencyMs, message: parts.join("; "), warning, details };
}

function replyError(message: string): string {
  if (message.startsWith("NOAUTH")) return "authentication required: set the password";
  if (message.startsWith("WRONGPASS")) return `authentication failed: ${message}`;
  return `Redis replied: ${message.length > 160 ? `${message.slice(0, 159)}…` : message}`;
}

function num(v: string | undefined): number | null {
  if (v === undefined || v === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}
