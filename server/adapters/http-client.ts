import { rootCertificates, type TLSSocket } from "node:tls";
import { Agent, buildConnector, type Dispatcher } from "undici";
import { cachedLookup } from "./dns-cache";

/**
 * The one undici Agent every HTTP-speaking probe (http, patroni) shares.
 *
 * - Keep-alive: idle connections stay open 30 s (longer than the default 10 s
 *   interval, so a target checked every interval reuses its connection);
 *   a server's own `Keep-Alive: timeout=…` hint shortens that, capped at 60 s.
 * - pipelining 1: a slow response must never hold up another component's check
 *   on the same origin.
 * - up to 256 connections per origin: the scheduler already runs at most one
 *   check per component, so this only bounds many components on one origin
 *   (a load balancer, the benchmark's target process) and queues beyond it.
 * - DNS answers cached 30 s inside the connector (see dns-cache.ts).
 * - TLS certificates are recorded when a connection is made, so the expiry
 *   check costs no extra handshake; a reused connection reports the
 *   certificate it was opened with, which is the one the target is serving.
 */
export type CertInfo = { validTo: Date; subject: string; issuer: string };
export type HttpClient = {
  dispatcher: Dispatcher;
  /** the certificate of the latest TLS connection to this URL's host and port */
  certFor: (url: URL) => CertInfo | undefined;
  close: () => Promise<void>;
};

/** Extra trust for private CAs (corporate roots, the test suite's own CA); the system store is kept. */
export type HttpClientOptions = { ca?: string | Buffer | Array<string | Buffer> };

const CERT_TTL_MS = 60 * 60_000;
const MAX_CERTS = 50_000;

/** URL.hostname keeps an IPv6 literal's brackets, undici's connector gets it without them. */
const certKey = (hostname: string, port: string | number) => `${hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase()}:${port || 443}`;

function nameOf(dn: unknown): string {
  if (!dn || typeof dn !== "object") return "";
  const d = dn as Record<string, unknown>;
  const v = d.CN ?? d.O ?? "";
  return Array.isArray(v) ? String(v[0] ?? "") : String(v);
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const certs = new Map<string, CertInfo & { seenAt: number }>();
  const base = buildConnector({
    timeout: 30_000, // probes enforce their own, shorter deadline
    lookup: cachedLookup,
    maxCachedSessions: 2048, // TLS session resumption makes reconnects cheap
    ...(options.ca ? { ca: withSystemRoots(options.ca) } : {}),
  });
  const connect: buildConnector.connector = (opts, callback) =>
    base(opts, (...args) => {
      const socket = args[1];
      if (socket && "getPeerCertificate" in socket) record(opts, socket);
      callback(...args);
    });

  function record(opts: buildConnector.Options, socket: TLSSocket): void {
    const cert = socket.getPeerCertificate(false);
    if (!cert || !cert.valid_to) return;
    if (certs.size >= MAX_CERTS) {
      const now = Date.now();
      for (const [k, v] of certs) if (now - v.seenAt > CERT_TTL_MS) certs.delete(k);
      if (certs.size >= MAX_CERTS) certs.delete(certs.keys().next().value ?? "");
    }
    certs.set(certKey(opts.hostname, opts.port), {
      validTo: new Date(cert.valid_to),
      subject: nameOf(cert.subject),
      issuer: nameOf(cert.issuer),
      seenAt: Date.now(),
    });
  }

  const agent = new Agent({
    connect,
    connections: 256,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
  });

  return {
    dispatcher: agent,
    certFor(url) {
      const hit = certs.get(certKey(url.hostname, url.port));
      if (!hit) return undefined;
      hit.seenAt = Date.now();
      return hit;
    },
    close: () => agent.close(),
  };
}

let shared: HttpClient | undefined;

/** Created on first use, so importing the probes opens nothing. */
export function sharedHttpClient(): HttpClient {
  shared ??= createHttpClient();
  return shared;
}

export async function closeSharedHttpClient(): Promise<void> {
  const c = shared;
  shared = undefined;
  await c?.close();
}

/** Passing `ca` replaces Node's bundled roots: keep them, so public targets still verify. */
function withSystemRoots(ca: NonNullable<HttpClientOptions["ca"]>): Array<string | Buffer> {
  return [...rootCertificates, ...(Array.isArray(ca) ? ca : [ca])];
}

const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads at most 64 KiB of a response body; past that the stream is destroyed
 * (and its connection with it), so a huge or endless body costs nothing more.
 */
export async function readCapped(
  body: Dispatcher.ResponseData["body"],
  keepText: boolean,
): Promise<{ text: string; bytes: number; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  // Leaving the loop early destroys the stream.
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = MAX_BODY_BYTES - bytes;
    if (keepText) chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    bytes += Math.min(chunk.length, room);
    if (chunk.length >= room) {
      truncated = true;
      break;
    }
  }
  return { text: keepText ? Buffer.concat(chunks).toString("utf8") : "", bytes, truncated };
}

export const BODY_CAP_KIB = MAX_BODY_BYTES / 1024;
