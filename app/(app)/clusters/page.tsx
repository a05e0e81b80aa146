import type { Metadata } from "next";
import { Suspense } from "react";
import { ClustersView } from "@/components/clusters/cluster-list";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";

export const metadata: Metadata = { title: "Clusters" };

/** Every cluster with its role map, rendered with data on first paint; the live stream and a 2 s poll keep it current. */
export default async function ClustersPage() {
  await getQueryClient().prefetchQuery(trpc.clusters.list.queryOptions());
  return (
    <HydrateClient>
      <Suspense>
        <ClustersView />
      </Suspense>
    </HydrateClient>
  );
}
