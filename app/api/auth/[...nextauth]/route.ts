import NextAuth from "next-auth";
import { authOptions } from "@/server/web/auth-options";

export const dynamic = "force-dynamic";

type Handler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

// Built per request: options need AUTH_SECRET, which `next build` does not have.
const handler: Handler = async (req, ctx) => {
  const h = NextAuth(authOptions()) as unknown as (req: Request, ctx: { params: { nextauth: string[] } }) => Promise<Response>;
  return h(req, { params: await ctx.params });
};

export { handler as GET, handler as POST };
