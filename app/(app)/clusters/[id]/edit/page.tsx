import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { EditCluster } from "@/components/clusters/edit-cluster";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { EmptyState } from "@/components/ui/empty-state";
import { IconDatabase } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { clusterIdInput } from "@/server/failover/schemas";

export const metadata: Metadata = { title: "Edit cluster" };

export default async function EditClusterPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!clusterIdInput.safeParse({ id }).success) notFound();
  const queryClient = getQueryClient();
  const me = await queryClient.fetchQuery(trpc.system.me.queryOptions());
  if (me?.role !== "admin") {
    return (
      <div className="page">
        <PageHeader title="Edit cluster" />
        <section className="card" data-testid="cluster-forbidden">
          <EmptyState icon={<IconDatabase />} title="Only admins change clusters">
            <p>You can see everything about this cluster on its page.</p>
          </EmptyState>
        </section>
      </div>
    );
  }
  try {
    await queryClient.fetchQuery(trpc.clusters.get.queryOptions({ id }));
  } catch (err) {
    if (err instanceof TRPCError && err.code === "NOT_FOUND") notFound();
    throw err;
  }
  await queryClient.prefetchQuery(trpc.health.services.queryOptions());
  return (
    <HydrateClient>
      <EditCluster id={id} />
    </HydrateClient>
  );
}
