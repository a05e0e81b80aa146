import { STATUS_CODES } from "node:http";
import type { Probe, ProbeResult } from "@/server/health/probe-types";
import type { KindConfig } from "@/server/health/schemas";
import { elapsedMs, failure, withDeadline } from "./deadline";
import { BODY_CAP_KIB, type HttpClient, readCapped, sharedHttpClient } from "./http-client";

type HttpConfig = KindConfig["http"];

export const USER_AGENT = "Bulwark-Probe/1";
const DAY_MS = 86_400_000;

/**
 * http(s): one request on the shared keep-alive agent. Latency runs until the
 * body (at most 64 KiB of it) has arrived. Redirects are not followed: a 301 is
 * reported as a 301. Order of verdicts: status, body substring, JSON path; a
 * certificate expiring within `tlsExpiryWarnDays` is a warning (degraded) on an
 * otherwise good check. Untrusted, expired or mismatched certificates fail the
 * check, as they would fail a browser.
 */
export function createHttpProbe(client: () => HttpClient = sharedHttpClient): Probe<HttpConfig> {
  return (config, ctx) =>
    withDeadline(ctx, async (signal, started) => {
      const url = new URL(config.url);
      const { dispatcher, certFor } = client();
      const res = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: config.method,
        headers: requestHeaders(url, config.headers),
        ...(config.method === "POST" ? { body: "" } : {}),
        signal,
        headersTimeout: ctx.timeoutMs,
        bodyTimeout: ctx.timeoutMs,
      });
      const needText = config.bodyContains !== undefined || config.jsonPath !== undefined;
      const body = await readCapped(res.body, needText);
      const latencyMs = elapsedMs(started);
      const status = res.statusCode;
      const details: Record<string, unknown> = { status, bytes: body.bytes, ...(body.truncated ? { truncated: true } : {}) };

      let warning: string | null = null;
      if (url.protocol === "https:") {
        const cert = certFor(url);
        if (cert) {
          const daysLeft = (cert.validTo.getTime() - Date.now()) / DAY_MS;
          details.tls = { validTo: cert.validTo.toISOString(), daysLeft: Math.floor(daysLeft * 10) / 10, subject: cert.subject, issuer: cert.issuer };
          if (daysLeft < config.tlsExpiryWarnDays) warning = `TLS certificate expires in ${days(daysLeft)}`;
        }
      }

      const fail = (message: string): ProbeResult => ({ ...failure(started, message, details), latencyMs });
      if (!config.expectedStatus.includes(status)) return fail(`status ${status}, expected ${ranges(config.expectedStatus)}`);
      if (config.bodyContains !== undefined && !body.text.includes(config.bodyContains)) {
        return fail(`body did not contain ${quote(config.bodyContains)}${body.truncated ? ` (read the first ${BODY_CAP_KIB} KiB)` : ""}`);
      }
      if (config.jsonPath) {
        const verdict = checkJsonPath(body.text, config.jsonPath.path, config.jsonPath.equals);
        if (verdict) return fail(body.truncated ? `${verdict} (read the first ${BODY_CAP_KIB} KiB)` : verdict);
      }
      return { ok: true, latencyMs, message: `status ${status} ${STATUS_CODES[status] ?? ""}`.trim(), warning, details };
    });
}

export const httpProbe: Probe<HttpConfig> = createHttpProbe();

/** The config's headers, plus a User-Agent and basic auth from `user:pass@` in the URL unless the config sets them. */
function requestHeaders(url: URL, headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...headers };
  const has = (name: string) => Object.keys(out).some((k) => k.toLowerCase() === name);
  if (!has("user-agent")) out["user-agent"] = USER_AGENT;
  if (url.username && !has("authorization")) {
    const userinfo = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    out.authorization = `Basic ${Buffer.from(userinfo).toString("base64")}`;
  }
  return out;
}

/** `null` when the value at `path` equals `expected`, else why not. */
export function checkJsonPath(text: string, path: string, expected: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "body is not valid JSON";
  }
  for (const key of path.split(".")) {
    if (Array.isArray(value) && /^\d+$/.test(key) && Number(key) < value.length) value = value[Number(key)];
    else if (value !== null && typeof value === "object" && Object.hasOwn(value, key)) value = (value as Record<string, unknown>)[key];
    else return `JSON path ${quote(path)} not found`;
  }
  const actual = typeof value === "string" ? value : JSON.stringify(value);
  return actual === expected ? null : `JSON path ${quote(path)} is ${quote(actual)}, expected ${quote(expected)}`;
}

/** [200, 201, 202, 203, 204, 301] → "200–204, 301" */
export function ranges(codes: number[]): string {
  const sorted = [...new Set(codes)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    out.push(j > i ? `${sorted[i]}–${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return out.join(", ");
}

const quote = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 79)}…` : s);

function days(d: number): string {
  if (d < 1) {
    const h = Math.max(1, Math.round(d * 24));
    return h === 1 ? "1 hour" : `${h} hours`;
  }
  const n = Math.ceil(d);
  return n === 1 ? "1 day" : `${n} days`;
}
