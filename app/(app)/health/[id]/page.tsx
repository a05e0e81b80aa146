import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ComponentView } from "@/components/health/component-view";
import { HydrateClient, getQueryClient, orNotFound, trpc } from "@/components/trpc/server";
import { componentIdInput } from "@/server/health/schemas";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  if (!componentIdInput.safeParse({ id }).success) return { title: "Component" };
  try {
    const c = await getQueryClient().fetchQuery(trpc.health.component.queryOptions({ id }));
    return { title: c.name };
  } catch {
    return { title: "Component" };
  }
}

/** One component: state, last check, latency, uptime, transitions, configuration and maintenance. */
export default async function ComponentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!componentIdInput.safeParse({ id }).success) notFound();
  const queryClient = getQueryClient();
  await orNotFound(queryClient.fetchQuery(trpc.health.component.queryOptions({ id })));
  await queryClient.prefetchQuery(trpc.health.uptime.queryOptions({ id }));
  return (
    <HydrateClient>
      <ComponentView id={id} />
    </HydrateClient>
  );
}
