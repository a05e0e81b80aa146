import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** Where the lab keeps its PostgreSQL pair: <dataDir>/lab-pg/{a,b,pair.json,secrets.json}. */
export const labPgDir = (dataDir: string) => path.join(dataDir, "lab-pg");

const labPgSecrets = z.object({ agentToken: z.string().min(16), password: z.string().min(8) });
export type LabPgSecrets = z.infer<typeof labPgSecrets>;

/**
 * The agent token and superuser password of the lab pair, created once (0600)
 * and kept across restarts: the seeded cluster row holds them sealed, and the
 * data directories were initialised with that password. Not the lab control
 * token, which is new on every start.
 */
export function loadLabPgSecrets(dataDir: string): LabPgSecrets {
  const dir = labPgDir(dataDir);
  const file = path.join(dir, "secrets.json");
  if (existsSync(file)) {
    const parsed = labPgSecrets.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (parsed.success) return parsed.data;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // a pair created before this file (or with it deleted) keeps the password its data directories have
  const pairFile = path.join(dir, "pair.json");
  const existing = existsSync(pairFile) ? (JSON.parse(readFileSync(pairFile, "utf8")) as { password?: string }).password : undefined;
  const secrets: LabPgSecrets = { agentToken: randomBytes(24).toString("base64url"), password: existing ?? randomBytes(18).toString("base64url") };
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}
