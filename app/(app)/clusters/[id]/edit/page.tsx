import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { EditCluster } from "@/components/clusters/edit-cluster";
import { ForbiddenPage } from "@/components/pages/forbidden-page";
import { HydrateClient, getQueryClient, orNotFound, trpc } from "@/components/trpc/server";
import { IconDatabase } from "@/components/ui/icons";
import { clusterIdInput } from "@/server/failover/schemas";
import { roleAtLeast } from "@/server/core/actor";

export const metadata: Metadata = { title: "Edit cluster" };

export default async function EditClusterPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!clusterIdInput.safeParse({ id }).success) notFound();
  const queryClient = getQueryClient();
  const me = await queryClient.fetchQuery(trpc.system.me.queryOptions());
  if (!roleAtLeast(me?.role, "admin")) {
    return (
      <ForbiddenPage title="Edit cluster" icon={<IconDatabase />} heading="Only admins change clusters" testId="cluster-forbidden">
        <p>You can see everything about this cluster on its page.</p>
      </ForbiddenPage>
    );
  }
  await orNotFound(queryClient.fetchQuery(trpc.clusters.get.queryOptions({ id })));
  await queryClient.prefetchQuery(trpc.health.services.queryOptions());
  return (
    <HydrateClient>
      <EditCluster id={id} />
    </HydrateClient>
  );
}
