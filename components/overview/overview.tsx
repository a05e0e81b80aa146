"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/client";
import { PageHeader } from "@/components/ui/page-header";
import { AccountCard } from "./account-card";
import { FleetHealthCard } from "./fleet-health-card";
import { GettingStarted } from "./getting-started";
import styles from "./overview.module.css";
import { WorkersCard } from "./workers-card";

export function Overview() {
  const trpc = useTRPC();
  const { data: me } = useQuery(trpc.system.me.queryOptions());
  return (
    <div className="page">
      <PageHeader title="Overview" lede="What this Bulwark installation is running right now, and what to set up next." />
      <div className="stack">
        {me ? <FleetHealthCard canOperate={me.role !== "viewer"} /> : null}
        <WorkersCard />
        {me ? (
          <div className={styles.grid}>
            <GettingStarted me={me} />
            <AccountCard me={me} />
          </div>
        ) : null}
      </div>
    </div>
  );
}
