import type { Metadata } from "next";
import Link from "next/link";
import { CapabilityPage } from "@/components/pages/capability-page";
import styles from "./slos.module.css";

export const metadata: Metadata = { title: "SLOs" };

/** SLO definitions are not here yet; the SLA tiers table already works. */
export default function SlosPage() {
  return (
    <CapabilityPage id="slos">
      <section className={`card card-body ${styles.tools}`}>
        <Link href="/slos/sla-tiers" data-testid="sla-tiers-link">
          SLA tiers: allowed downtime per objective
        </Link>
        <span className="muted">Works today: how much downtime 99.9% (or any objective) allows per day, week, month, quarter and year.</span>
      </section>
    </CapabilityPage>
  );
}
