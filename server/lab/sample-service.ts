import http from "node:http";
import type { Duplex } from "node:stream";
import { type LabKnobs, type LabServiceName, type LabServiceState, labServiceLabels } from "./schemas";

export const LAB_HOST = "127.0.0.1";

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;
export type UpgradeHandler = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(text);
}

export const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

/**
 * One sample service on its own port, with the three knobs: latency added to
 * every answer, a failure rate (503 instead of the real answer), and down (the
 * listener is closed, so connections are refused, and open ones are cut).
 */
export class SampleService {
  readonly name: LabServiceName;
  /** 0 picks a free port on first start; the same port is reused after every "down" */
  port: number;
  knobs: LabKnobs;
  error: string | null = null;
  private readonly server: http.Server;
  private readonly urlFor: (port: number) => string;
  private readonly onDown: () => void;
  private listening = false;

  constructor(opts: {
    name: LabServiceName;
    port: number;
    knobs: LabKnobs;
    handler: Handler;
    urlFor: (port: number) => string;
    onUpgrade?: UpgradeHandler;
    /** cuts connections the HTTP server no longer tracks (upgraded WebSockets) */
    onDown?: () => void;
  }) {
    this.name = opts.name;
    this.port = opts.port;
    this.knobs = { ...opts.knobs };
    this.urlFor = opts.urlFor;
    this.onDown = opts.onDown ?? (() => undefined);
    const handler = opts.handler;
    this.server = http.createServer((req, res) => void this.serve(handler, req, res));
    this.server.keepAliveTimeout = 5_000;
    if (opts.onUpgrade) this.server.on("upgrade", opts.onUpgrade);
  }

  /** Latency first, then the dice for the failure rate, then the real handler. */
  private async serve(handler: Handler, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const { latencyMs, failureRate } = this.knobs;
    await sleep(latencyMs);
    if (res.destroyed) return;
    if (Math.random() < failureRate) {
      sendJson(res, 503, { status: "fail", reason: "injected failure (lab failure rate)" });
      return;
    }
    try {
      await handler(req, res);
    } catch (err) {
      sendJson(res, 500, { status: "fail", reason: err instanceof Error ? err.message : String(err) });
    }
  }

  async start(): Promise<void> {
    if (this.knobs.down) return;
    await this.open();
  }

  private open(): Promise<void> {
    if (this.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        this.server.off("listening", onListening);
        this.error = `cannot listen on ${LAB_HOST}:${this.port}: ${err.message}`;
        reject(err);
      };
      const onListening = () => {
        this.server.off("error", onError);
        const addr = this.server.address();
        if (addr && typeof addr === "object") this.port = addr.port;
        this.listening = true;
        this.error = null;
        resolve();
      };
      this.server.once("error", onError);
      this.server.once("listening", onListening);
      this.server.listen({ port: this.port, host: LAB_HOST, exclusive: true });
    });
  }

  private close(): Promise<void> {
    if (!this.listening) return Promise.resolve();
    this.listening = false;
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      this.onDown();
    });
  }

  /** Applies knobs; "down" closes or reopens the listener. A failed reopen is kept in `error` and thrown. */
  async apply(patch: Partial<LabKnobs>): Promise<void> {
    this.knobs = { ...this.knobs, ...patch };
    if (this.knobs.down) await this.close();
    else await this.open();
  }

  state(): LabServiceState {
    return { name: this.name, label: labServiceLabels[this.name], url: this.urlFor(this.port), ...this.knobs, error: this.error };
  }

  stop(): Promise<void> {
    return this.close();
  }
}
