import { randomBytes } from "node:crypto";
import path from "node:path";
import { pickPort } from "../supervisor/free-port";
import { readLabFile, writeLabFile } from "./lab-file";
import type { LabFile } from "./schemas";

/** Where the lab listens on a first start, when free: next to the embedded PostgreSQL's 54329. */
const PREFERRED = { api: 54330, websocket: 54331, checkout: 54332, control: 54333 } as const;

export type PreparedLab = { file: string; config: LabFile; previous: LabFile | null };

/**
 * Supervisor side, before the lab child starts: reuse the ports saved in
 * lab.json when they are still free (so seeded components keep pointing at
 * them), pick others when not, issue a new control token, keep the knobs.
 */
export async function prepareLab(opts: { dataDir: string; pgPort: number; avoid: number[] }): Promise<PreparedLab> {
  const file = path.join(opts.dataDir, "lab.json");
  const previous = readLabFile(file);
  const taken = new Set<number>([opts.pgPort, ...opts.avoid]);
  const pick = async (name: keyof typeof PREFERRED): Promise<number> => {
    const wanted = previous?.ports[name] ?? PREFERRED[name];
    let p = await pickPort(taken.has(wanted) ? undefined : wanted);
    while (taken.has(p)) p = await pickPort();
    taken.add(p);
    return p;
  };
  const ports = { api: await pick("api"), websocket: await pick("websocket"), checkout: await pick("checkout"), control: await pick("control") };
  const config: LabFile = { ports, token: randomBytes(24).toString("base64url"), pgPort: opts.pgPort, knobs: previous?.knobs ?? {} };
  writeLabFile(file, config);
  return { file, config, previous };
}
