import type { Metadata } from "next";
import { ComponentForm } from "@/components/health/component-form";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { EmptyState } from "@/components/ui/empty-state";
import { IconHealth } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Add component" };

export default async function NewComponentPage() {
  const queryClient = getQueryClient();
  const me = await queryClient.fetchQuery(trpc.system.me.queryOptions());
  if (me?.role !== "operator" && me?.role !== "admin") {
    return (
      <div className="page">
        <PageHeader title="Add component" />
        <section className="card" data-testid="health-forbidden">
          <EmptyState icon={<IconHealth />} title="Only operators and admins add components">
            <p>Ask an operator or admin of this Bulwark installation to add it, or to give you the operator role.</p>
          </EmptyState>
        </section>
      </div>
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
