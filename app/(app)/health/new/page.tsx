import type { Metadata } from "next";
import { ComponentForm } from "@/components/health/component-form";
import { ForbiddenPage } from "@/components/pages/forbidden-page";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { IconHealth } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { roleAtLeast } from "@/server/core/actor";

export const metadata: Metadata = { title: "Add component" };

export default async function NewComponentPage() {
  const queryClient = getQueryClient();
  const me = await queryClient.fetchQuery(trpc.system.me.queryOptions());
  if (!roleAtLeast(me?.role, "operator")) {
    return (
      <ForbiddenPage title="Add component" icon={<IconHealth />} heading="Only operators and admins add components" testId="health-forbidden">
        <p>Ask an operator or admin of this Bulwark installation to add it, or to give you the operator role.</p>
      </ForbiddenPage>
    );
  }
  await queryClient.prefetchQuery(trpc.health.services.queryOptions());
  return (
    <HydrateClient>
      <div className="page">
        <PageHeader title="Add component" lede="Choose what to check, then where it is and how often. Test now runs one check before you save." />
        <ComponentForm />
      </div>
    </HydrateClient>
  );
}
