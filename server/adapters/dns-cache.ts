import dns, { type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";

/**
 * A short-lived DNS cache shared by every probe that opens its own sockets
 * (HTTP through undici's connector, TCP, WebSocket). `dns.lookup` runs on
 * libuv's small thread pool; at 10,000 targets re-resolving every check would
 * queue behind it. Answers live 30 s (record TTLs are not visible through
 * getaddrinfo, so the cap is the TTL), failures are never cached, and
 * concurrent lookups of one name share one query.
 *
 * Why not undici's `interceptors.dns`: it rewrites each request's origin to the
 * resolved IP, so undici pools connections per IP. HTTPS targets that share an
 * ingress IP under different names then keep tearing down each other's
 * keep-alive connections ("servername changed"): 50 checks over 5 names behind
 * one IP opened 50 TLS connections instead of 5. Resolving inside the
 * connector keeps pools per host name and SNI intact.
 */
const TTL_MS = 30_000;
const MAX_ENTRIES = 50_000;

type Entry = { at: number; addresses: LookupAddress[] };
const cache = new Map<string, Entry>();
const inflight = new Map<string, Promise<LookupAddress[]>>();

function resolveAll(hostname: string, family: number): Promise<LookupAddress[]> {
  const key = `${family}|${hostname.toLowerCase()}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return Promise.resolve(hit.addresses);
  const running = inflight.get(key);
  if (running) return running;
  const p = new Promise<LookupAddress[]>((resolve, reject) => {
    dns.lookup(hostname, { all: true, family, order: "ipv4first" }, (err, addresses) => {
      inflight.delete(key);
      if (err) return reject(err);
      if (cache.size >= MAX_ENTRIES) prune();
      cache.set(key, { at: Date.now(), addresses });
      resolve(addresses);
    });
  });
  inflight.set(key, p);
  return p;
}

function prune(): void {
  const now = Date.now();
  for (const [k, v] of cache) if (now - v.at >= TTL_MS) cache.delete(k);
  // Still full of fresh entries: drop the oldest quarter (Map keeps insertion order).
  let drop = cache.size - Math.floor(MAX_ENTRIES * 0.75);
  for (const k of cache.keys()) {
    if (drop-- <= 0) break;
    cache.delete(k);
  }
}

const familyOf = (f: unknown): number => (f === 4 || f === "IPv4" ? 4 : f === 6 || f === "IPv6" ? 6 : 0);

/** Drop-in `lookup` for `net.connect`, `tls.connect` and anything built on them. */
export const cachedLookup: LookupFunction = (hostname, options, callback) => {
  resolveAll(hostname, familyOf(options.family)).then(
    (addresses) => {
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND", hostname }), "", 0);
      callback(null, first.address, first.family);
    },
    (err: NodeJS.ErrnoException) => callback(err, "", 0),
  );
};

/** For tests: forget every cached answer. */
export function clearDnsCache(): void {
  cache.clear();
}
