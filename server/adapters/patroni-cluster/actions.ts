import { errorText, notDelivered, restRequest, restUrl, ACTION_TIMEOUT_MS, curlLine, type PatroniClusterConfig } from "./rest";

/**
 * POST /switchover or /failover, and what its answer means.
 *
 * - "done": Patroni answered that it switched (200).
 * - "unknown": no answer (timeout, reset) or Patroni's own "status unknown":
 *   it may be acting on it — follow the cluster, never ask again.
 * - "failed": Patroni said no or that it failed; `detail` has its status and body.
 */
export type ActionOutcome = { kind: "done" | "unknown" | "failed"; status: number | null; detail: string };

export type ActionLog = { log: (msg: string) => void; command: (text: string) => void; signal: AbortSignal };

export async function postAction(
  config: PatroniClusterConfig,
  action: "switchover" | "failover",
  body: Record<string, string>,
  ctx: ActionLog,
): Promise<ActionOutcome> {
  const undelivered: string[] = [];
  for (const base of config.apiUrls) {
    const url = restUrl(base, `/${action}`);
    ctx.command(curlLine(config, "POST", url.toString(), body));
    try {
      const res = await restRequest(config, url, { method: "POST", body, timeoutMs: ACTION_TIMEOUT_MS, signal: ctx.signal });
      ctx.log(`Patroni answered ${res.status}: ${res.text || "(empty body)"}`);
      return judge(action, res.status, res.text);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      if (notDelivered(err)) {
        // Nothing reached Patroni: the next member's API may take it.
        undelivered.push(`${url}: ${errorText(err)}`);
        ctx.log(`not delivered to ${url}: ${errorText(err)}`);
        continue;
      }
      ctx.log(`no answer from ${url} (${errorText(err)}): Patroni may be acting on it, following the cluster instead`);
      return { kind: "unknown", status: null, detail: `no answer (${errorText(err)})` };
    }
  }
  return { kind: "failed", status: null, detail: `no Patroni REST API could be reached (${undelivered.join("; ")})` };
}

function judge(action: string, status: number, text: string): ActionOutcome {
  const detail = `${status} ${text || "(empty body)"}`.trim();
  if (status >= 200 && status < 300) return { kind: "done", status, detail };
  // Patroni gave up polling its own result: the switchover may still happen.
  if (status === 503 && /status unknown/i.test(text)) return { kind: "unknown", status, detail };
  const hint =
    status === 401 || status === 403
      ? " — check the REST API username and password in the cluster's settings"
      : status === 412
        ? " — a precondition Patroni checks failed"
        : "";
  return { kind: "failed", status, detail: `Patroni refused the ${action}: ${detail}${hint}` };
}

/** DELETE /switchover: cancels a switchover scheduled on the Patroni side. Nothing scheduled (404) is fine. */
export async function deleteScheduled(config: PatroniClusterConfig, signal?: AbortSignal): Promise<string> {
  const undelivered: string[] = [];
  for (const base of config.apiUrls) {
    const url = restUrl(base, "/switchover");
    try {
      const res = await restRequest(config, url, { method: "DELETE", timeoutMs: 10_000, signal });
      if (res.status === 200 || res.status === 404) return res.text || String(res.status);
      const hint = res.status === 401 || res.status === 403 ? " — check the REST API username and password" : "";
      throw new Error(`Patroni refused to cancel the scheduled switchover: ${res.status} ${res.text}${hint}`);
    } catch (err) {
      if (!notDelivered(err)) throw err;
      undelivered.push(`${url}: ${errorText(err)}`);
    }
  }
  throw new Error(`no Patroni REST API could be reached (${undelivered.join("; ")})`);
}
