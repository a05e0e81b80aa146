import type { Metadata } from "next";
import Link from "next/link";
import { SlaSlos } from "@/components/slo/sla-slos";
import { SlaTiers } from "@/components/slo/sla-tiers";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "SLA tiers" };

/** The arithmetic needs no data: the objective from `?objective=` renders on first paint. The SLOs below it come from the list. */
export default async function SlaTiersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { objective } = await searchParams;
  const initial = (Array.isArray(objective) ? objective[0] : objective) ?? "";
  await getQueryClient().prefetchQuery(trpc.slo.list.queryOptions({}));
  return (
    <HydrateClient>
      <div className="page">
        <PageHeader
          title="SLA tiers"
          lede="How much downtime an availability objective allows per day, week, month, quarter and year, and where your SLOs fall."
          actions={
            <Link href="/slos" className="btn btn-sm">
              Back to SLOs
            </Link>
          }
        />
        <div className="stack">
          <SlaTiers initialObjective={initial.slice(0, 32)} />
          <SlaSlos />
        </div>
      </div>
    </HydrateClient>
  );
}
