import { getServerSession } from "next-auth";
import { getDb } from "@/db/client";
import { resolveActor } from "../auth/resolve-actor";
import { authOptions } from "./auth-options";

/** The signed-in actor for a server component or route handler (anonymous when signed out or deactivated). */
export async function currentActor() {
  const session = (await getServerSession(authOptions())) as { userId?: string } | null;
  return resolveActor(getDb(), session?.userId);
}
