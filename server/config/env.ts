import { z } from "zod";

/** Runtime configuration, parsed once. Unknown or malformed values fail loudly at start. */
const envSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOSTNAME: z.string().default("0.0.0.0"),
  AUTH_SECRET: z.string().min(16).optional(),
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  BULWARK_DATA_DIR: z.string().optional(),
  BULWARK_ENCRYPTION_KEY: z.string().optional(),
  BULWARK_HEARTBEAT_MS: z.coerce.number().int().min(200).max(60_000).default(2000),
  BULWARK_WORKER_STALE_MS: z.coerce.number().int().min(500).max(600_000).default(6000),
  BULWARK_OIDC_ISSUER: z.string().url().optional(),
  BULWARK_OIDC_CLIENT_ID: z.string().optional(),
  BULWARK_OIDC_CLIENT_SECRET: z.string().optional(),
  BULWARK_OIDC_NAME: z.string().default("Single sign-on"),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal"]).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
});

export type Env = z.infer<typeof envSchema>;

/**
 * A getter for one section of the environment: parsed on first use and then
 * kept, so a malformed value fails at start with every bad field named.
 */
export function envSection<S extends z.ZodType>(schema: S): () => z.output<S> {
  let cached: { value: z.output<S> } | undefined;
  return () => {
    if (!cached) {
      const parsed = schema.safeParse(process.env);
      if (!parsed.success) {
        const fields = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
        throw new Error(`Invalid environment: ${fields}`);
      }
      cached = { value: parsed.data };
    }
    return cached.value;
  };
}

export const env: () => Env = envSection(envSchema);

export function authSecret(): string {
  const e = env();
  const secret = e.AUTH_SECRET ?? e.NEXTAUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is not set (npm start generates one; set it for `npm run web`)");
  return secret;
}
