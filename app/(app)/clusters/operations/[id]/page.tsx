import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { OperationView } from "@/components/clusters/operation-view";
import { HydrateClient, getQueryClient, orNotFound, trpc } from "@/components/trpc/server";
import { operationIdInput } from "@/server/failover/schemas";

const kinds = { switchover: "Switchover", failover: "Failover" } as const;

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  if (!operationIdInput.safeParse({ id }).success) return { title: "Operation" };
  try {
    const op = await getQueryClient().fetchQuery(trpc.clusters.operation.queryOptions({ id }));
    return { title: `${kinds[op.kind]} · ${op.clusterName}` };
  } catch {
    return { title: "Operation" };
  }
}

/** One switchover or failover: what it measured and its steps, live while it runs. */
export default async function OperationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!operationIdInput.safeParse({ id }).success) notFound();
  const { clusterId } = await orNotFound(getQueryClient().fetchQuery(trpc.clusters.operation.queryOptions({ id })));
  return (
    <HydrateClient>
      <OperationView id={id} clusterId={clusterId} />
    </HydrateClient>
  );
}
