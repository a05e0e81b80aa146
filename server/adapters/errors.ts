/**
 * Turns whatever a client library threw into a short reason an operator can
 * act on: "connection refused", "TLS certificate has expired", "password
 * authentication failed for user …". Error codes come from Node (errno and TLS
 * verification codes), undici (UND_ERR_*, llhttp HPE_*), postgres.js and
 * PostgreSQL itself (SQLSTATE with a server message).
 */
const byCode: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by peer",
  EPIPE: "connection closed by peer",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EADDRNOTAVAIL: "address not available",
  EAI_AGAIN: "DNS lookup failed (temporary failure)",
  CERT_HAS_EXPIRED: "TLS certificate has expired",
  CERT_NOT_YET_VALID: "TLS certificate is not yet valid",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS certificate is self-signed and not trusted",
  SELF_SIGNED_CERT_IN_CHAIN: "TLS certificate chain ends in an untrusted self-signed root",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS certificate is not trusted (unknown issuer)",
  UNABLE_TO_GET_ISSUER_CERT: "TLS certificate is not trusted (unknown issuer)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "TLS certificate is not trusted (unknown issuer)",
  CERT_REVOKED: "TLS certificate has been revoked",
  EPROTO: "TLS handshake failed",
  ERR_SSL_WRONG_VERSION_NUMBER: "TLS handshake failed (is the port serving TLS?)",
  UND_ERR_SOCKET: "connection closed before the response was complete",
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: "response ended before its declared length",
  UND_ERR_HEADERS_OVERFLOW: "response headers too large",
  UND_ERR_CLOSED: "connection closed",
  CONNECTION_CLOSED: "connection closed by the server",
  CONNECTION_ENDED: "connection closed",
  CONNECTION_DESTROYED: "connection closed",
  SASL_SIGNATURE_MISMATCH: "server's SCRAM signature did not match",
};

type ErrorLike = { name?: unknown; code?: unknown; message?: unknown; cause?: unknown; hostname?: unknown; errors?: unknown; reason?: unknown };

const asErrorLike = (e: unknown): ErrorLike | undefined => (e !== null && typeof e === "object" ? (e as ErrorLike) : undefined);

const short = (s: string, max = 200) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

function fromCode(e: ErrorLike): string | undefined {
  const code = typeof e.code === "string" ? e.code : undefined;
  // undici's llhttp errors carry an HPE_ code only sometimes; the name is always there.
  if (e.name === "HTTPParserError") return `invalid HTTP response${code ? ` (${code})` : typeof e.message === "string" ? `: ${short(e.message, 120)}` : ""}`;
  if (!code) return undefined;
  if (code === "ENOTFOUND") return `DNS lookup failed: ${typeof e.hostname === "string" ? `"${e.hostname}" ` : ""}not found`;
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `TLS certificate does not match the host name${typeof e.reason === "string" ? ` (${short(e.reason, 120)})` : ""}`;
  }
  if (code.startsWith("HPE_")) return `invalid HTTP response (${code})`;
  if (code.startsWith("ERR_SSL_")) return byCode[code] ?? "TLS handshake failed";
  // PostgreSQL SQLSTATE: the server's own message is the readable part.
  if (/^[0-9A-Z]{5}$/.test(code) && typeof e.message === "string" && e.message) return short(e.message);
  return byCode[code];
}

export function describeError(err: unknown): string {
  const seen = new Set<unknown>();
  let e = asErrorLike(err);
  while (e && !seen.has(e)) {
    seen.add(e);
    const known = fromCode(e);
    if (known) return known;
    // net's happy-eyeballs connect fails with an AggregateError of one error per address.
    if (Array.isArray(e.errors) && e.errors.length > 0) {
      const inner = describeError(e.errors[e.errors.length - 1]);
      if (inner) return inner;
    }
    e = asErrorLike(e.cause);
  }
  const top = asErrorLike(err);
  const message = typeof top?.message === "string" && top.message ? top.message : String(err);
  return short(message);
}
