import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { EditComponent } from "@/components/health/edit-component";
import { ForbiddenPage } from "@/components/pages/forbidden-page";
import { HydrateClient, getQueryClient, orNotFound, trpc } from "@/components/trpc/server";
import { IconHealth } from "@/components/ui/icons";
import { componentIdInput } from "@/server/health/schemas";
import { roleAtLeast } from "@/server/core/actor";

export const metadata: Metadata = { title: "Edit component" };

export default async function EditComponentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!componentIdInput.safeParse({ id }).success) notFound();
  const queryClient = getQueryClient();
  const me = await queryClient.fetchQuery(trpc.system.me.queryOptions());
  if (!roleAtLeast(me?.role, "operator")) {
    return (
      <ForbiddenPage title="Edit component" icon={<IconHealth />} heading="Only operators and admins change components" testId="health-forbidden">
        <p>You can see everything about this component on its page.</p>
      </ForbiddenPage>
    );
  }
  await orNotFound(queryClient.fetchQuery(trpc.health.component.queryOptions({ id })));
  await queryClient.prefetchQuery(trpc.health.services.queryOptions());
  return (
    <HydrateClient>
      <EditComponent id={id} />
    </HydrateClient>
  );
}
