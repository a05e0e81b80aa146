import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";

// Per-user pages: render on each request, never at build time.
export const dynamic = "force-dynamic";

/**
 * Every signed-in page. proxy.ts already sends visitors without a session to
 * /login; this also catches a session whose user was deactivated since.
 */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const me = await queryClient.fetchQuery(trpc.system.me.queryOptions());
  if (!me) redirect("/login");
  // The worker indicator renders with the current state instead of "unknown" while the stream connects.
  await queryClient.prefetchQuery(trpc.system.workers.queryOptions());
  return (
    <HydrateClient>
      <AppShell>{children}</AppShell>
    </HydrateClient>
  );
}
