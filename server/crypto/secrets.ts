import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Secrets stored in the database (probe and cluster credentials) are sealed
 * with AES-256-GCM under BULWARK_ENCRYPTION_KEY. A sealed value is a string
 * `enc:v1:<iv>:<tag>:<ciphertext>` (base64url), so it can live inside JSON.
 */
const PREFIX = "enc:v1:";

function key(): Buffer {
  const raw = process.env.BULWARK_ENCRYPTION_KEY;
  if (!raw) throw new Error("BULWARK_ENCRYPTION_KEY is not set (npm start generates one)");
  // Any string works as a key; hashing gives exactly 32 bytes.
  return createHash("sha256").update(raw).digest();
}

export const isSealed = (v: unknown): v is string => typeof v === "string" && v.startsWith(PREFIX);

export function seal(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${PREFIX}${iv.toString("base64url")}:${cipher.getAuthTag().toString("base64url")}:${data.toString("base64url")}`;
}

export function unseal(value: string): string {
  if (!isSealed(value)) return value;
  const [iv, tag, data] = value.slice(PREFIX.length).split(":");
  if (!iv || !tag || data === undefined) throw new Error("malformed sealed secret");
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}

/** What the browser sees instead of a secret. */
export const REDACTED = "••••••";
