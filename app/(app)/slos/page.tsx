import type { Metadata } from "next";
import { Suspense } from "react";
import { SlosView } from "@/components/slo/slo-list";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";

export const metadata: Metadata = { title: "SLOs" };

/** Every SLO with its budget, rendered with data on first paint; the live stream keeps it current. */
export default async function SlosPage() {
  await getQueryClient().prefetchQuery(trpc.slo.list.queryOptions({}));
  return (
    <HydrateClient>
      <Suspense>
        <SlosView />
      </Suspense>
    </HydrateClient>
  );
}
