import type { Metadata } from "next";
import Link from "next/link";
import { SloForm } from "@/components/slo/slo-form";
import { ForbiddenPage } from "@/components/pages/forbidden-page";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { IconTarget } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { roleAtLeast } from "@/server/core/actor";

export const metadata: Metadata = { title: "New SLO" };

export default async function NewSloPage() {
  const queryClient = getQueryClient();
  const me = await queryClient.fetchQuery(trpc.system.me.queryOptions());
  if (!roleAtLeast(me?.role, "operator")) {
    return (
      <ForbiddenPage title="New SLO" icon={<IconTarget />} heading="Only operators and admins define SLOs" testId="slo-forbidden">
        <p>
          Ask an operator or admin to define it, or to give you the operator role. <Link href="/slos">Back to SLOs</Link>
        </p>
      </ForbiddenPage>
    );
  }
  await Promise.all([queryClient.prefetchQuery(trpc.health.services.queryOptions()), queryClient.prefetchQuery(trpc.health.overview.queryOptions())]);
  return (
    <HydrateClient>
      <div className="page">
        <PageHeader title="New SLO" lede="What to measure, the objective and the window. The preview shows what it would have been from data Bulwark already has." />
        <SloForm />
      </div>
    </HydrateClient>
  );
}
