import type { Metadata } from "next";
import Link from "next/link";
import { SlaTiers } from "@/components/slo/sla-tiers";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "SLA tiers" };

/** Pure arithmetic, no data: the objective from `?objective=` renders on first paint, the client keeps it in sync. */
export default async function SlaTiersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { objective } = await searchParams;
  const initial = (Array.isArray(objective) ? objective[0] : objective) ?? "";
  return (
    <div className="page">
      <PageHeader
        title="SLA tiers"
        lede="How much downtime an availability objective allows per day, week, month, quarter and year."
        actions={
          <Link href="/slos" className="btn btn-sm">
            Back to SLOs
          </Link>
        }
      />
      <SlaTiers initialObjective={initial.slice(0, 32)} />
    </div>
  );
}
