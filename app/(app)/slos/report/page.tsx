import type { Metadata } from "next";
import { SloReport } from "@/components/slo/slo-report";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";

export const metadata: Metadata = { title: "Monthly SLO report" };

export default async function SloReportPage() {
  await getQueryClient().prefetchQuery(trpc.health.services.queryOptions());
  return (
    <HydrateClient>
      <SloReport />
    </HydrateClient>
  );
}
