import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export type Secrets = { authSecret: string; encryptionKey: string };

/**
 * Secrets generated on first start and kept in the data directory (mode 0600),
 * so sessions and encrypted credentials survive restarts. Environment values win.
 */
export function loadSecrets(dataDir: string): Secrets {
  const file = path.join(dataDir, "secrets.json");
  const stored: Partial<Secrets> = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Partial<Secrets>) : {};
  const secrets: Secrets = {
    authSecret: stored.authSecret ?? randomBytes(32).toString("base64url"),
    encryptionKey: stored.encryptionKey ?? randomBytes(32).toString("base64"),
  };
  if (stored.authSecret !== secrets.authSecret || stored.encryptionKey !== secrets.encryptionKey) {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return {
    authSecret: process.env.AUTH_SECRET ?? process.env.NEXTAUTH_SECRET ?? secrets.authSecret,
    encryptionKey: process.env.BULWARK_ENCRYPTION_KEY ?? secrets.encryptionKey,
  };
}
