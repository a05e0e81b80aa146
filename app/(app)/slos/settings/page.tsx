import type { Metadata } from "next";
import { SloSettings } from "@/components/slo/slo-settings";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";

export const metadata: Metadata = { title: "SLO settings" };

export default async function SloSettingsPage() {
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.slo.tokens.queryOptions()),
    queryClient.prefetchQuery(trpc.slo.policies.queryOptions()),
    queryClient.prefetchQuery(trpc.slo.overrides.queryOptions()),
    queryClient.prefetchQuery(trpc.health.services.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <SloSettings />
    </HydrateClient>
  );
}
