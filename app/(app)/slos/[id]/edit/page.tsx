import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { EditSlo } from "@/components/slo/edit-slo";
import { ForbiddenPage } from "@/components/pages/forbidden-page";
import { HydrateClient, getQueryClient, orNotFound, trpc } from "@/components/trpc/server";
import { IconTarget } from "@/components/ui/icons";
import { sloIdInput } from "@/server/slo/schemas";
import { roleAtLeast } from "@/server/core/actor";

export const metadata: Metadata = { title: "Edit SLO" };

export default async function EditSloPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!sloIdInput.safeParse({ id }).success) notFound();
  const queryClient = getQueryClient();
  const me = await queryClient.fetchQuery(trpc.system.me.queryOptions());
  if (!roleAtLeast(me?.role, "operator")) {
    return (
      <ForbiddenPage title="Edit SLO" icon={<IconTarget />} heading="Only operators and admins change SLOs" testId="slo-forbidden">
        <p>You can see everything about this SLO on its page.</p>
      </ForbiddenPage>
    );
  }
  await orNotFound(queryClient.fetchQuery(trpc.slo.detail.queryOptions({ id })));
  await Promise.all([queryClient.prefetchQuery(trpc.health.services.queryOptions()), queryClient.prefetchQuery(trpc.health.overview.queryOptions())]);
  return (
    <HydrateClient>
      <EditSlo id={id} />
    </HydrateClient>
  );
}
