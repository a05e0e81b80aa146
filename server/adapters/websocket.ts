import WebSocket from "ws";
import type { Probe, ProbeResult } from "@/server/health/probe-types";
import type { KindConfig } from "@/server/health/schemas";
import { elapsedMs, failure, withDeadline } from "./deadline";
import { cachedLookup } from "./dns-cache";
import { describeError } from "./errors";
import { USER_AGENT } from "./http";

/**
 * websocket: open a connection, send a ping frame, expect the pong before the
 * deadline. A fresh connection per check, because the handshake is part of
 * what is checked (a long-lived socket would keep answering pings while new
 * clients are refused). Latency is handshake plus ping round trip; both parts
 * are in the details.
 */
export const websocketProbe: Probe<KindConfig["websocket"]> = (config, ctx) =>
  withDeadline(
    ctx,
    (signal, started) =>
      new Promise<ProbeResult>((resolve) => {
        let settled = false;
        let openMs: number | undefined;
        const ws = new WebSocket(config.url, {
          handshakeTimeout: ctx.timeoutMs,
          perMessageDeflate: false,
          followRedirects: false,
          maxPayload: 64 * 1024,
          headers: { "user-agent": USER_AGENT },
          lookup: cachedLookup,
        });
        const finish = (r: ProbeResult) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener("abort", onAbort);
          resolve(r);
        };
        const onAbort = () => {
          settled = true;
          ws.terminate();
        };
        signal.addEventListener("abort", onAbort, { once: true });
        // Keep an error listener for the socket's whole life: an unhandled 'error' would crash the worker.
        ws.on("error", (err) => {
          finish(failure(started, upgradeRefused(err.message) ?? describeError(err)));
          ws.terminate();
        });
        ws.on("open", () => {
          openMs = elapsedMs(started);
          ws.ping();
        });
        ws.on("pong", () => {
          const latencyMs = elapsedMs(started);
          finish({
            ok: true,
            latencyMs,
            message: "pong received",
            details: { handshakeMs: openMs, pingMs: openMs === undefined ? undefined : Math.round((latencyMs - openMs) * 10) / 10 },
          });
          ws.close(1000);
          // A peer that never completes the closing handshake is cut off.
          setTimeout(() => ws.terminate(), 1000).unref();
        });
        ws.on("close", (code) => finish(failure(started, `connection closed before the pong (close code ${code})`)));
      }),
  );

function upgradeRefused(message: string): string | undefined {
  const m = /^Unexpected server response: (\d+)/.exec(message);
  return m ? `WebSocket upgrade refused: status ${m[1]}, expected 101` : undefined;
}
