import { performance } from "node:perf_hooks";
import type { ProbeContext, ProbeResult } from "@/server/health/probe-types";
import { describeError } from "./errors";

/** Milliseconds since `started` (a `performance.now()` reading), rounded to 0.1 ms. */
export const elapsedMs = (started: number): number => Math.round((performance.now() - started) * 10) / 10;

export const failure = (started: number, message: string, details?: Record<string, unknown>): ProbeResult => ({
  ok: false,
  latencyMs: elapsedMs(started),
  message,
  ...(details ? { details } : {}),
});

/**
 * Runs one check under both limits a probe must honour: the caller's
 * AbortSignal and `timeoutMs`. The body gets one signal that fires on either
 * and must release what it holds (sockets, clients) when it does. The result
 * settles at the deadline even if the body ignores the signal, and a body that
 * throws becomes an `ok: false` result with a readable reason: probes never
 * throw and never hang.
 */
export async function withDeadline(
  ctx: ProbeContext,
  body: (signal: AbortSignal, started: number) => Promise<ProbeResult>,
): Promise<ProbeResult> {
  const started = performance.now();
  if (ctx.signal.aborted) return failure(started, "check cancelled");

  const controller = new AbortController();
  let timedOut = false;
  let settle: (r: ProbeResult) => void = () => undefined;
  const stopped = new Promise<ProbeResult>((resolve) => (settle = resolve));
  const stop = (message: string) => {
    settle(failure(started, message));
    controller.abort(new Error(message));
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop(`timed out after ${ctx.timeoutMs} ms`);
  }, ctx.timeoutMs);
  const onCancel = () => stop("check cancelled");
  ctx.signal.addEventListener("abort", onCancel, { once: true });

  const run = Promise.resolve()
    .then(() => body(controller.signal, started))
    .catch((err: unknown) => failure(started, timedOut ? `timed out after ${ctx.timeoutMs} ms` : describeError(err)));
  try {
    return await Promise.race([run, stopped]);
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener("abort", onCancel);
  }
}
