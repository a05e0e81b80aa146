/**
 * Just enough RESP2 for a health check: encode commands, decode the five reply
 * types. Anything else on the wire means the peer is not a Redis server.
 */
export class RespError {
  constructor(readonly message: string) {}
}
export type RespValue = string | number | null | RespError | RespValue[];

export class RespProtocolError extends Error {}

const CRLF = Buffer.from("\r\n");

export function encodeCommand(args: string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.from(a, "utf8");
    parts.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
  }
  return Buffer.concat(parts);
}

/** One reply starting at `offset`, or `null` when more bytes are needed. */
export function decodeReply(buf: Buffer, offset = 0): { value: RespValue; next: number } | null {
  if (offset >= buf.length) return null;
  const end = buf.indexOf(CRLF, offset);
  if (end === -1) {
    if (buf.length - offset > 64 * 1024) throw new RespProtocolError("reply line too long");
    return null;
  }
  const type = String.fromCharCode(buf[offset] ?? 0);
  const line = buf.toString("utf8", offset + 1, end);
  const after = end + 2;
  switch (type) {
    case "+":
      return { value: line, next: after };
    case "-":
      return { value: new RespError(line), next: after };
    case ":":
      return { value: integer(line), next: after };
    case "$": {
      const len = integer(line);
      if (len < 0) return { value: null, next: after };
      if (buf.length < after + len + 2) return null;
      return { value: buf.toString("utf8", after, after + len), next: after + len + 2 };
    }
    case "*": {
      const n = integer(line);
      if (n < 0) return { value: null, next: after };
      const items: RespValue[] = [];
      let at = after;
      for (let i = 0; i < n; i++) {
        const item = decodeReply(buf, at);
        if (!item) return null;
        items.push(item.value);
        at = item.next;
      }
      return { value: items, next: at };
    }
    default:
      throw new RespProtocolError("not a Redis server (unexpected reply)");
  }
}

function integer(s: string): number {
  if (!/^-?\d+$/.test(s)) throw new RespProtocolError("not a Redis server (malformed reply)");
  return Number(s);
}

/** `INFO` text → key/value pairs (section headers and blank lines skipped). */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith("#")) continue;
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
