import type { Metadata } from "next";
import Link from "next/link";
import { ClusterForm } from "@/components/clusters/cluster-form";
import { ForbiddenPage } from "@/components/pages/forbidden-page";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { IconDatabase } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { roleAtLeast } from "@/server/core/actor";

export const metadata: Metadata = { title: "Add cluster" };

export default async function NewClusterPage() {
  const queryClient = getQueryClient();
  const me = await queryClient.fetchQuery(trpc.system.me.queryOptions());
  if (!roleAtLeast(me?.role, "admin")) {
    return (
      <ForbiddenPage title="Add cluster" icon={<IconDatabase />} heading="Only admins add clusters" testId="cluster-forbidden">
        <p>
          A cluster holds credentials that can promote and demote databases. Ask an admin to add it. <Link href="/clusters">Back to clusters</Link>
        </p>
      </ForbiddenPage>
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
