"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { FormError } from "@/components/ui/field";
import { COMMON_OBJECTIVES, highestTierMet } from "@/server/slo/math/sla-tiers";
import { formatObjective, formatSli, windowLabel } from "./format";
import { formatObjectivePercent } from "./objective";
import styles from "./slo.module.css";

/** Where each SLO's achieved SLI falls among the common tiers: the strictest it still meets. */
export function SlaSlos() {
  const trpc = useTRPC();
  const q = useQuery(trpc.slo.list.queryOptions({}));
  const rows = [...(q.data ?? [])].sort((a, b) => (b.sli ?? -1) - (a.sli ?? -1));
  return (
    <section className="card card-flush" aria-labelledby="sla-slos-title" data-testid="sla-slos">
      <div className="card-header">
        <h2 id="sla-slos-title">Your SLOs against these tiers</h2>
        <span className="muted">SLI achieved over each SLO&apos;s own window</span>
      </div>
      {q.isError ? <FormError message={errorMessage(q.error)} /> : null}
      {q.data && rows.length === 0 ? (
        <div className="card-body muted">
          No SLOs yet. <Link href="/slos/new">Define one</Link> and its achieved availability shows here against each tier.
        </div>
      ) : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">SLO</th>
                <th scope="col" className={styles.right}>Objective</th>
                <th scope="col" className={styles.right}>SLI achieved</th>
                <th scope="col">Strictest tier met</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const tier = highestTierMet(r.sli, COMMON_OBJECTIVES);
                return (
                  <tr key={r.id} data-testid="sla-slo-row" data-slo={r.name}>
                    <td>
                      <Link href={`/slos/${r.id}`}>{r.name}</Link> <span className="faint">{r.serviceName} · {windowLabel(r.window)}</span>
                    </td>
                    <td className={`num ${styles.right}`}>{formatObjective(r.objective)}</td>
                    <td className={`num ${styles.right}`}>{formatSli(r.sli)}</td>
                    <td data-testid="sla-slo-tier">
                      {r.sli === null ? (
                        <span className="badge">no data</span>
                      ) : tier === null ? (
                        <span className="badge badge-bad">below {formatObjectivePercent(COMMON_OBJECTIVES[0] ?? 0.99)}</span>
                      ) : (
                        <span className={r.sli >= r.objective ? "badge badge-ok" : "badge badge-warn"} title={r.sli >= r.objective ? "At or above its own objective" : "Below its own objective"}>
                          {formatObjectivePercent(tier)}
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
