import { z } from "zod";
import { AppError } from "../errors";
import { readLabFile } from "./lab-file";
import { LAB_HOST } from "./sample-service";
import { type LabServiceState, type LabStatus, type SetKnobsInput, labClustersState, labServiceState } from "./schemas";

/**
 * The web process's side of the lab: finds it through lab.json (the
 * supervisor passes BULWARK_LAB_FILE only when it started a lab) and calls its
 * control endpoint on 127.0.0.1.
 */
export const LAB_OFF_REASON = "This server runs without the demo lab: it was started with --no-lab, or on an external database (DATABASE_URL), or not by npm start.";
const TIMEOUT_MS = 5_000;

const stateBody = z.object({ startedAt: z.coerce.date(), services: z.array(labServiceState), clusters: labClustersState.optional() });
const errorBody = z.object({ error: z.string() });

type Target = { base: string; token: string };

function target(): Target | { off: string } {
  // Read per call: the supervisor rewrites lab.json (new token, maybe new ports) on every start.
  const file = process.env.BULWARK_LAB_FILE;
  if (!file) return { off: LAB_OFF_REASON };
  const config = readLabFile(file);
  if (!config) return { off: `The demo lab was enabled, but its lab.json (${file}) is missing or unreadable.` };
  return { base: `http://${LAB_HOST}:${config.ports.control}`, token: config.token };
}

async function call(t: Target, path: string, init: RequestInit = {}): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${t.base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json" },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err instanceof Error ? err.name : String(err));
    throw new AppError("PRECONDITION_FAILED", `The demo lab is not answering (${cause}); it may be restarting.`, { cause: err });
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const parsed = errorBody.safeParse(body);
    throw new AppError(res.status === 400 ? "BAD_REQUEST" : "PRECONDITION_FAILED", `The demo lab refused the request: ${parsed.success ? parsed.data.error : `HTTP ${res.status}`}`);
  }
  return body;
}

export async function labStatus(): Promise<LabStatus> {
  const t = target();
  if ("off" in t) return { running: false, reason: t.off };
  try {
    const state = stateBody.parse(await call(t, "/state"));
    return { running: true, ...state };
  } catch (err) {
    return { running: false, reason: err instanceof AppError ? err.message : `The demo lab answered something unexpected: ${String(err)}` };
  }
}

/** Current knobs of one service; throws PRECONDITION_FAILED when the lab is off or silent. */
export async function labService(name: LabServiceState["name"]): Promise<LabServiceState> {
  const t = target();
  if ("off" in t) throw new AppError("PRECONDITION_FAILED", t.off);
  const state = stateBody.parse(await call(t, "/state"));
  const s = state.services.find((x) => x.name === name);
  if (!s) throw new AppError("NOT_FOUND", `The demo lab has no service ${name}`);
  return s;
}

export async function postLabKnobs(input: SetKnobsInput): Promise<LabServiceState> {
  const t = target();
  if ("off" in t) throw new AppError("PRECONDITION_FAILED", t.off);
  return labServiceState.parse(await call(t, "/knobs", { method: "POST", body: JSON.stringify(input) }));
}
