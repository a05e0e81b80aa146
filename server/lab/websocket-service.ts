import type http from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { type Handler, type SampleService, sendJson, sleep } from "./sample-service";

export const WS_PATH = "/ws";

/**
 * The WebSocket sample: upgrades on `/ws`, answers protocol pings with pongs
 * and a text "ping" with "pong", each after the latency knob. The failure rate
 * refuses upgrades with 503; "down" closes the listener and cuts open sockets.
 */
export function websocketService(service: () => SampleService) {
  const wss = new WebSocketServer({ noServer: true, autoPong: false, maxPayload: 64 * 1024 });

  wss.on("connection", (ws) => {
    ws.on("ping", (data) => {
      void sleep(service().knobs.latencyMs).then(() => {
        if (ws.readyState === ws.OPEN) ws.pong(data);
      });
    });
    ws.on("message", (data, isBinary) => {
      if (isBinary || data.toString() !== "ping") return;
      void sleep(service().knobs.latencyMs).then(() => {
        if (ws.readyState === ws.OPEN) ws.send("pong");
      });
    });
    ws.on("error", () => ws.terminate());
  });

  const refuse = (socket: Duplex, status: string) => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const path = (req.url ?? "/").split("?")[0];
    if (path !== WS_PATH) return refuse(socket, "404 Not Found");
    const { latencyMs, failureRate } = service().knobs;
    void sleep(latencyMs).then(() => {
      if (socket.destroyed) return;
      if (Math.random() < failureRate) return refuse(socket, "503 Service Unavailable");
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    });
  };

  const httpHandler: Handler = (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/health") return sendJson(res, 200, { status: "ok", clients: wss.clients.size });
    return sendJson(res, 426, { status: "fail", reason: `connect a WebSocket to ${WS_PATH}` });
  };

  /** Open sockets are upgraded, so the HTTP server no longer tracks them: cut them when the service goes down. */
  const cutAll = () => {
    for (const ws of wss.clients) ws.terminate();
  };

  return { onUpgrade, httpHandler, cutAll, close: () => new Promise<void>((r) => (cutAll(), wss.close(() => r()))) };
}
