import net from "node:net";
import type { Probe } from "@/server/health/probe-types";
import type { KindConfig } from "@/server/health/schemas";
import { elapsedMs, failure, withDeadline } from "./deadline";
import { cachedLookup } from "./dns-cache";
import { describeError } from "./errors";

/**
 * tcp: a successful three-way handshake is healthy. The socket is then closed
 * with a reset, as HAProxy's TCP checks do, so 10,000 targets checked every
 * few seconds leave no TIME_WAIT sockets behind on the prober.
 */
export const tcpProbe: Probe<KindConfig["tcp"]> = (config, ctx) =>
  withDeadline(
    ctx,
    (signal, started) =>
      new Promise((resolve) => {
        const socket = net.connect({ host: config.host, port: config.port, lookup: cachedLookup, noDelay: true });
        const onAbort = () => socket.destroy();
        signal.addEventListener("abort", onAbort, { once: true });
        const done = () => signal.removeEventListener("abort", onAbort);
        socket.once("connect", () => {
          done();
          const latencyMs = elapsedMs(started);
          const address = socket.remoteAddress;
          socket.resetAndDestroy();
          resolve({ ok: true, latencyMs, message: `connected to ${config.host}:${config.port}`, details: { address } });
        });
        socket.on("error", (err) => {
          done();
          socket.destroy();
          resolve(failure(started, describeError(err)));
        });
      }),
  );
