import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { SloView } from "@/components/slo/slo-view";
import { HydrateClient, getQueryClient, orNotFound, trpc } from "@/components/trpc/server";
import { sloIdInput } from "@/server/slo/schemas";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  if (!sloIdInput.safeParse({ id }).success) return { title: "SLO" };
  try {
    const d = await getQueryClient().fetchQuery(trpc.slo.detail.queryOptions({ id }));
    return { title: d.slo.name };
  } catch {
    return { title: "SLO" };
  }
}

/** One SLO: budget, burn rates, policy and gate, SLI and burn-down charts, adjustments and budget events. */
export default async function SloPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!sloIdInput.safeParse({ id }).success) notFound();
  const queryClient = getQueryClient();
  await orNotFound(queryClient.fetchQuery(trpc.slo.detail.queryOptions({ id })));
  return (
    <HydrateClient>
      <SloView id={id} />
    </HydrateClient>
  );
}
