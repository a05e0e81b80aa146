import { randomBytes } from "node:crypto";
import path from "node:path";
import { pickPort } from "../supervisor/free-port";
import { readLabFile, writeLabFile } from "./lab-file";
import { redisTrioAvailable } from "./redis-trio";
import type { LabFile } from "./schemas";

/** Where the lab listens on a first start, when free: next to the embedded PostgreSQL's 54329. */
const PREFERRED = { api: 54330, websocket: 54331, checkout: 54332, control: 54333 } as const;
const PREFERRED_PG_PAIR = { a: 54334, b: 54335, router: 54336, agent: 54337 } as const;
const PREFERRED_REDIS = { master: 54338, replica: 54339, sentinels: [54340, 54341, 54342] } as const;

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
  const pickNumber = async (wanted: number): Promise<number> => {
    let p = await pickPort(taken.has(wanted) ? undefined : wanted);
    while (taken.has(p)) p = await pickPort();
    taken.add(p);
    return p;
  };
  const pick = (name: keyof typeof PREFERRED) => pickNumber(previous?.ports[name] ?? PREFERRED[name]);
  const ports = { api: await pick("api"), websocket: await pick("websocket"), checkout: await pick("checkout"), control: await pick("control") };
  const pair = previous?.pgPair ?? PREFERRED_PG_PAIR;
  const pgPair = { a: await pickNumber(pair.a), b: await pickNumber(pair.b), router: await pickNumber(pair.router), agent: await pickNumber(pair.agent) };
  let redis: LabFile["redis"];
  if (redisTrioAvailable()) {
    const r = previous?.redis ?? PREFERRED_REDIS;
    const sentinels: number[] = [];
    for (const s of r.sentinels) sentinels.push(await pickNumber(s));
    redis = { master: await pickNumber(r.master), replica: await pickNumber(r.replica), sentinels };
  }
  const config: LabFile = { ports, token: randomBytes(24).toString("base64url"), pgPort: opts.pgPort, knobs: previous?.knobs ?? {}, pgPair, redis };
  writeLabFile(file, config);
  return { file, config, previous };
}
