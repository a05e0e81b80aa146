import { getServerSession } from "next-auth";
import { getDb } from "@/db/client";
import { resolveSession } from "../auth/resolve-actor";
import type { TrpcContext } from "../trpc/context";
import { authOptions } from "./auth-options";

/** The signed-in actor for a server component or route handler (anonymous when signed out or deactivated). */
export async function currentSession() {
  const session = (await getServerSession(authOptions())) as { userId?: string } | null;
  return resolveSession(getDb(), session?.userId);
}

/** The tRPC context of one web request: the route handler and server-component prefetches both use it. */
export async function requestContext(requestId: string): Promise<TrpcContext> {
  const { actor, mustChangePassword } = await currentSession();
  return { actor, db: getDb(), requestId, mustChangePassword };
}
