import type { Metadata } from "next";
import Link from "next/link";
import { ClusterForm } from "@/components/clusters/cluster-form";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { EmptyState } from "@/components/ui/empty-state";
import { IconDatabase } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Add cluster" };

export default async function NewClusterPage() {
  const queryClient = getQueryClient();
  const me = await queryClient.fetchQuery(trpc.system.me.queryOptions());
  if (me?.role !== "admin") {
    return (
      <div className="page">
        <PageHeader title="Add cluster" />
        <section className="card" data-testid="cluster-forbidden">
          <EmptyState icon={<IconDatabase />} title="Only admins add clusters">
            <p>
              A cluster holds credentials that can promote and demote databases. Ask an admin to add it. <Link href="/clusters">Back to clusters</Link>
            </p>
          </EmptyState>
        </section>
      </div>
    );
  }
  await queryClient.prefetchQuery(trpc.health.services.queryOptions());
  return (
    <HydrateClient>
      <div className="page">
        <PageHeader
          title="Add cluster"
          lede="How Bulwark reaches the cluster's members, and where clients write so each operation is measured. Credentials are encrypted at rest and never sent back to a browser."
        />
        <ClusterForm />
      </div>
    </HydrateClient>
  );
}
