import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { EditComponent } from "@/components/health/edit-component";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { EmptyState } from "@/components/ui/empty-state";
import { IconHealth } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { componentIdInput } from "@/server/health/schemas";

export const metadata: Metadata = { title: "Edit component" };

export default async function EditComponentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!componentIdInput.safeParse({ id }).success) notFound();
  const queryClient = getQueryClient();
  const me = await queryClient.fetchQuery(trpc.system.me.queryOptions());
  if (me?.role !== "operator" && me?.role !== "admin") {
    return (
      <div className="page">
        <PageHeader title="Edit component" />
        <section className="card" data-testid="health-forbidden">
          <EmptyState icon={<IconHealth />} title="Only operators and admins change components">
            <p>You can see everything about this component on its page.</p>
          </EmptyState>
        </section>
      </div>
    );
  }
  try {
    await queryClient.fetchQuery(trpc.health.component.queryOptions({ id }));
  } catch (err) {
    if (err instanceof TRPCError && err.code === "NOT_FOUND") notFound();
    throw err;
  }
  await queryClient.prefetchQuery(trpc.health.services.queryOptions());
  return (
    <HydrateClient>
      <EditComponent id={id} />
    </HydrateClient>
  );
}
