import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { EditSlo } from "@/components/slo/edit-slo";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { EmptyState } from "@/components/ui/empty-state";
import { IconTarget } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { sloIdInput } from "@/server/slo/schemas";

export const metadata: Metadata = { title: "Edit SLO" };

export default async function EditSloPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!sloIdInput.safeParse({ id }).success) notFound();
  const queryClient = getQueryClient();
  const me = await queryClient.fetchQuery(trpc.system.me.queryOptions());
  if (me?.role !== "operator" && me?.role !== "admin") {
    return (
      <div className="page">
        <PageHeader title="Edit SLO" />
        <section className="card" data-testid="slo-forbidden">
          <EmptyState icon={<IconTarget />} title="Only operators and admins change SLOs">
            <p>You can see everything about this SLO on its page.</p>
          </EmptyState>
        </section>
      </div>
    );
  }
  try {
    await queryClient.fetchQuery(trpc.slo.detail.queryOptions({ id }));
  } catch (err) {
    if (err instanceof TRPCError && err.code === "NOT_FOUND") notFound();
    throw err;
  }
  await Promise.all([queryClient.prefetchQuery(trpc.health.services.queryOptions()), queryClient.prefetchQuery(trpc.health.overview.queryOptions())]);
  return (
    <HydrateClient>
      <EditSlo id={id} />
    </HydrateClient>
  );
}
