import { createTRPCClient, httpLink } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import type { Db } from "@/db/client";
import type { Actor } from "@/server/core/actor";
import { appRouter, type AppRouter } from "@/server/routers/_app";
import type { TrpcContext } from "@/server/trpc/context";
import { createCallerFactory } from "@/server/trpc/init";
import { requestId } from "./factories";

export const anonymous: Actor = { type: "anonymous" };

export const createCaller = createCallerFactory(appRouter);

export function ctxFor(db: Db, actor: Actor, extra: Partial<TrpcContext> = {}): TrpcContext {
  return { actor, db, requestId: requestId(), ...extra };
}

export function callerFor(db: Db, actor: Actor, opts?: { signal?: AbortSignal }) {
  return createCaller(ctxFor(db, actor), opts);
}

/** Awaits `p` and returns what it rejected with; fails when it resolves. */
export async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

export async function trpcErrorOf(p: Promise<unknown>): Promise<TRPCError> {
  const err = await rejectionOf(p);
  if (!(err instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(err)}`, { cause: err });
  return err;
}

export const ENDPOINT = "/api/trpc";

/** The real fetch adapter, as app/api/trpc/[trpc]/route.ts uses it, with a fixed context. */
export function handleFetch(req: Request, ctx: () => TrpcContext): Promise<Response> {
  return fetchRequestHandler({ endpoint: ENDPOINT, req, router: appRouter, createContext: () => ctx() });
}

/**
 * A typed client over the real HTTP wire format: its fetch goes straight into
 * the fetch adapter (no server, no port), so errors arrive as clients see them,
 * after the error formatter and superjson.
 */
export function wireClient(ctx: () => TrpcContext) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `http://bulwark.test${ENDPOINT}`,
        transformer: superjson,
        fetch: (url, init) => handleFetch(new Request(url, init as RequestInit), ctx),
      }),
    ],
  });
}
