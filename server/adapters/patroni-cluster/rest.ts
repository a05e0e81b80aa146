import type { ClusterConfigs } from "@/server/failover/schemas";
import { readCapped, sharedHttpClient } from "../http-client";
import { headersFor } from "../patroni";

export type PatroniClusterConfig = ClusterConfigs["patroni"];
export type RestResponse = { status: number; text: string; url: string };

/** GETs on the cluster's state: a member that does not answer within this is skipped. */
export const READ_TIMEOUT_MS = 1500;
/** POST /switchover is synchronous: Patroni polls its own result for up to 2 × max(10 s, loop_wait). */
export const ACTION_TIMEOUT_MS = 30_000;

/**
 * The request never reached Patroni (nothing listened, no route, no
 * connection within the connect timeout): another member's API may be
 * tried. Anything else after the request was sent — a timeout, a reset —
 * leaves it unknown whether Patroni acted on it.
 */
const NOT_DELIVERED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

export class PatroniUnreachable extends Error {
  override name = "PatroniUnreachable";
}

export const errorCode = (err: unknown): string | undefined => {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === "string" ? code : undefined;
};
export const errorText = (err: unknown): string => {
  const code = errorCode(err);
  const msg = err instanceof Error ? err.message : String(err);
  return code && !msg.includes(code) ? `${msg} (${code})` : msg;
};
export const notDelivered = (err: unknown): boolean => err instanceof PatroniUnreachable || NOT_DELIVERED.has(errorCode(err) ?? "");

/** A full URL for `path` under a member's REST API base (a base may carry a path prefix). */
export function restUrl(base: string, path: string): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${path}`;
  url.search = "";
  return url;
}

export async function restRequest(
  config: PatroniClusterConfig,
  url: URL,
  opts: { method?: "GET" | "POST" | "DELETE"; body?: unknown; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<RestResponse> {
  const method = opts.method ?? "GET";
  const timeoutMs = opts.timeoutMs ?? READ_TIMEOUT_MS;
  const headers: Record<string, string> = { ...headersFor(config) };
  // An action goes on a fresh connection: a kept-alive one the server already closed would turn it into an unknown outcome.
  if (method !== "GET") headers.connection = "close";
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
  const res = await sharedHttpClient().dispatcher.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const body = await readCapped(res.body, true);
  return { status: res.statusCode, text: body.text.trim(), url: url.toString() };
}

/** A curl line for the step's command record; the password never appears. */
export function curlLine(config: PatroniClusterConfig, method: string, url: string, body?: unknown): string {
  const auth = config.username ? ` -u ${config.username}:***` : "";
  const data = body === undefined ? "" : ` -H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
  return `curl -s${auth} -X ${method} ${url}${data}`;
}
