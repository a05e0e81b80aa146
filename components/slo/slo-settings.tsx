"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/trpc/client";
import { IconChevronRight } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { useRole } from "@/components/health/use-role";
import { GateCheckCard, OverridesCard } from "./overrides-card";
import { PoliciesCard } from "./policies-card";
import styles from "./slo.module.css";
import { TokensCard } from "./tokens-card";
import { useSloLive } from "./use-slo-live";

export function SloSettings() {
  useSloLive();
  const trpc = useTRPC();
  const { isAdmin } = useRole();
  const services = useQuery(trpc.health.services.queryOptions());
  const list = services.data ?? [];
  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className={styles.crumbs}>
        <Link href="/slos">SLOs</Link>
        <IconChevronRight />
      </nav>
      <PageHeader
        title="SLO settings"
        lede={isAdmin ? "API tokens, error-budget policies and deploy-gate overrides." : "API tokens, error-budget policies and deploy-gate overrides. Only admins change them."}
      />
      <div className="stack">
        <TokensCard isAdmin={isAdmin} />
        <PoliciesCard isAdmin={isAdmin} />
        <div className={styles.columns}>
          <OverridesCard isAdmin={isAdmin} services={list} />
          <GateCheckCard services={list} />
        </div>
      </div>
    </div>
  );
}
