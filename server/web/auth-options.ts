import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { authenticate } from "../auth/authenticate";
import { AppError } from "../errors";
import { authSecret, env } from "../config/env";
import { log } from "../log";

function clientIp(headers: Record<string, string | string[] | undefined> | undefined): string {
  const fwd = headers?.["x-forwarded-for"];
  const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(",")[0]?.trim();
  return first || "unknown";
}

function oidcProvider(): NextAuthOptions["providers"] {
  const e = env();
  if (!e.BULWARK_OIDC_ISSUER || !e.BULWARK_OIDC_CLIENT_ID || !e.BULWARK_OIDC_CLIENT_SECRET) return [];
  return [
    {
      id: "oidc",
      name: e.BULWARK_OIDC_NAME,
      type: "oauth",
      wellKnown: `${e.BULWARK_OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: e.BULWARK_OIDC_CLIENT_ID,
      clientSecret: e.BULWARK_OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile(p: { sub: string; email?: string; name?: string }) {
        return { id: p.sub, email: p.email ?? null, name: p.name ?? p.email ?? p.sub };
      },
    },
  ];
}

let cached: NextAuthOptions | undefined;

/**
 * Sessions are JWTs in an httpOnly, SameSite=Lax cookie (Secure when served over
 * https) that carry only the user id; role and active flag are read per request.
 * OIDC users must already exist (an admin creates them): SSO never grants access
 * by itself.
 */
export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  cached = {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/login" },
    logger: {
      error: (code, metadata) => log.warn({ code, metadata }, "next-auth error"),
      warn: (code) => log.debug({ code }, "next-auth warning"),
      debug: () => undefined,
    },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          try {
            const user = await authenticate(getDb(), credentials, clientIp(req.headers));
            return { id: user.id, email: user.email, name: user.name };
          } catch (err) {
            if (err instanceof AppError) throw new Error(err.code === "TOO_MANY_REQUESTS" ? "RateLimited" : "CredentialsSignin");
            throw err;
          }
        },
      }),
      ...oidcProvider(),
    ],
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== "oidc") return true;
        const email = user.email?.toLowerCase();
        if (!email) return false;
        const [row] = await getDb().select().from(users).where(eq(sql`lower(${users.email})`, email));
        return Boolean(row?.active);
      },
      async jwt({ token, user, account }) {
        if (user && account?.provider === "oidc" && user.email) {
          const [row] = await getDb().select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, user.email.toLowerCase()));
          if (row) token.sub = row.id;
        } else if (user) {
          token.sub = user.id;
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, userId: token.sub };
      },
    },
  };
  return cached;
}
