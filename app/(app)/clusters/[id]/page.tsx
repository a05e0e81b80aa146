import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ClusterView } from "@/components/clusters/cluster-view";
import { HydrateClient, getQueryClient, orNotFound, trpc } from "@/components/trpc/server";
import { clusterIdInput } from "@/server/failover/schemas";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  if (!clusterIdInput.safeParse({ id }).success) return { title: "Cluster" };
  try {
    const c = await getQueryClient().fetchQuery(trpc.clusters.get.queryOptions({ id }));
    return { title: c.name };
  } catch {
    return { title: "Cluster" };
  }
}

/** One cluster: topology, the switchover / failover buttons, and its operations with what they measured. */
export default async function ClusterPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!clusterIdInput.safeParse({ id }).success) notFound();
  const queryClient = getQueryClient();
  await orNotFound(queryClient.fetchQuery(trpc.clusters.get.queryOptions({ id })));
  await queryClient.prefetchQuery(trpc.clusters.operations.queryOptions({ clusterId: id, limit: 50 }));
  return (
    <HydrateClient>
      <ClusterView id={id} />
    </HydrateClient>
  );
}
