import { randomUUID } from "node:crypto";
import { QueryClient, HydrationBoundary, dehydrate } from "@tanstack/react-query";
import { TRPCError } from "@trpc/server";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { notFound } from "next/navigation";
import { type ReactNode, cache } from "react";
import { appRouter } from "@/server/routers/_app";
import { requestContext } from "@/server/web/session";

/**
 * Server components prefetch through the same routers the browser calls (same
 * role checks), into a per-request QueryClient whose state is handed to the
 * browser's cache, so pages render with data instead of a spinner.
 * Server-only: it imports the database client.
 */
export const getQueryClient = cache(() => new QueryClient({ defaultOptions: { queries: { staleTime: 30_000 } } }));

const createContext = cache(() => requestContext(randomUUID()));

export const trpc = createTRPCOptionsProxy({ ctx: createContext, router: appRouter, queryClient: getQueryClient });

/** Hands everything prefetched so far in this request to the browser's cache. */
export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}

/** Awaits a server-side fetch; a NOT_FOUND from the router becomes the page's 404. */
export async function orNotFound<T>(fetch: Promise<T>): Promise<T> {
  try {
    return await fetch;
  } catch (err) {
    if (err instanceof TRPCError && err.code === "NOT_FOUND") notFound();
    throw err;
  }
}
