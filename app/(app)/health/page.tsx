import type { Metadata } from "next";
import { Suspense } from "react";
import { HealthView } from "@/components/health/health-view";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";

export const metadata: Metadata = { title: "Health" };

/** The fleet renders with data on first paint; the live stream keeps it current from there. */
export default async function HealthPage() {
  await getQueryClient().prefetchQuery(trpc.health.overview.queryOptions());
  return (
    <HydrateClient>
      <Suspense>
        <HealthView />
      </Suspense>
    </HydrateClient>
  );
}
