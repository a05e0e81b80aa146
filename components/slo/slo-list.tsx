"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useDeferredValue, useMemo, useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError } from "@/components/ui/field";
import { IconPlus, IconSettings, IconTarget } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { IconUpload } from "@/components/health/icons";
import { useRole } from "@/components/health/use-role";
import { sloStates } from "@/server/slo/schemas";
import { BudgetBar } from "./budget-bar";
import { BurnBadge } from "./burn-badge";
import { ExportOpenSloButton } from "./export-button";
import { formatObjective, formatSli, windowLabel } from "./format";
import { IconCalendar } from "./icons";
import { ImportOpenSloDialog } from "./import-dialog";
import styles from "./slo.module.css";
import { Sparkline } from "./sparkline";
import { SloStateBadge, sloStateMeta } from "./state";
import type { SloRow } from "./types";
import { type SloFilters, type SortKey, collator, compareRows, firstDir, matches, useSloFilters } from "./use-slo-filters";
import { useSloLive } from "./use-slo-live";

const columns: Array<{ key: SortKey | null; label: string; className?: string }> = [
  { key: "state", label: "Status" },
  { key: "name", label: "SLO" },
  { key: "objective", label: "Objective", className: styles.right },
  { key: "sli", label: "SLI", className: styles.right },
  { key: "remaining", label: "Budget left" },
  { key: null, label: "30 days" },
  { key: "burn", label: "Burn" },
  { key: "tier", label: "Tier" },
];

export function SlosView() {
  useSloLive();
  const trpc = useTRPC();
  const { canOperate } = useRole();
  const list = useQuery(trpc.slo.list.queryOptions({}));
  const { filters, setFilters, active } = useSloFilters();
  const deferred = useDeferredValue(filters);
  const [importing, setImporting] = useState(false);
  const data = list.data;

  const rows = useMemo(() => (data ? data.filter((r) => matches(r, deferred)).sort(compareRows(deferred.sort, deferred.dir)) : []), [data, deferred]);
  const services = useMemo(() => {
    const m = new Map<string, string>();
    for (const r of data ?? []) m.set(r.serviceId, r.serviceName);
    return [...m].sort((a, b) => collator.compare(a[1], b[1]));
  }, [data]);
  const owners = useMemo(() => [...new Set((data ?? []).map((r) => r.owner).filter(Boolean))].sort(collator.compare), [data]);

  const actions = (
    <>
      <Link href="/slos/report" className="btn" data-testid="slo-report-link">
        <IconCalendar />
        Monthly report
      </Link>
      {data && data.length > 0 ? <ExportOpenSloButton /> : null}
      {canOperate ? (
        <>
          <button type="button" className="btn" onClick={() => setImporting(true)} data-testid="import-openslo">
            <IconUpload />
            Import OpenSLO
          </button>
          <Link href="/slos/new" className="btn btn-primary" data-testid="new-slo">
            <IconPlus />
            New SLO
          </Link>
        </>
      ) : null}
    </>
  );

  return (
    <div className="page">
      <PageHeader title="SLOs" lede="Service level objectives, their error budgets, and whether the budget still allows a deploy." actions={actions} />
      <nav className={styles.subnav} aria-label="SLO pages">
        <Link href="/slos/settings" data-testid="slo-settings-link">
          <IconSettings />
          Settings: API tokens, budget policies, gate overrides
        </Link>
        <Link href="/slos/sla-tiers" data-testid="sla-tiers-link">
          SLA tiers: allowed downtime per objective
        </Link>
      </nav>
      {list.isError ? <FormError message={errorMessage(list.error)} /> : null}
      {list.isPending ? <div className="card card-body muted">Loading…</div> : null}
      {data && data.length === 0 ? <NoSlos canOperate={canOperate} onImport={() => setImporting(true)} /> : null}
      {data && data.length > 0 ? (
        <section className="card card-flush" aria-label="SLOs">
          <FilterBar filters={filters} onChange={setFilters} services={services} owners={owners} active={active} shown={rows.length} total={data.length} />
          {rows.length > 0 ? (
            <div className="table-wrap">
              <table className={`table ${styles.list}`} data-testid="slo-table">
                <caption className="sr-only">SLOs, sorted by {filters.sort}</caption>
                <thead>
                  <tr>
                    {columns.map((c) => (
                      <th key={c.label} scope="col" className={c.className} aria-sort={c.key && filters.sort === c.key ? (filters.dir === "asc" ? "ascending" : "descending") : undefined}>
                        {c.key ? (
                          <button
                            type="button"
                            className={styles.sortButton}
                            data-testid={`sort-${c.key}`}
                            onClick={() => {
                              const key = c.key as SortKey;
                              setFilters(filters.sort === key ? { dir: filters.dir === "asc" ? "desc" : "asc" } : { sort: key, dir: firstDir[key] });
                            }}
                          >
                            {c.label}
                            <span aria-hidden="true" className={styles.sortArrow}>
                              {filters.sort === c.key ? (filters.dir === "asc" ? "▲" : "▼") : ""}
                            </span>
                          </button>
                        ) : (
                          c.label
                        )}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <Row key={r.id} r={r} />
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <div className={styles.noMatch}>
              <EmptyState icon={<IconTarget />} title="No SLOs match these filters">
                <button type="button" className="btn" onClick={() => setFilters({ service: "", state: "", owner: "" })}>
                  Clear filters
                </button>
              </EmptyState>
            </div>
          )}
        </section>
      ) : null}
      <ImportOpenSloDialog open={importing} onClose={() => setImporting(false)} />
    </div>
  );
}

function Row({ r }: { r: SloRow }) {
  return (
    <tr data-testid="slo-row" data-slo={r.name} data-state={r.state}>
      <td>
        <SloStateBadge state={r.state} error={r.error} testId="slo-state" />
      </td>
      <td className={styles.nameCell}>
        <Link href={`/slos/${r.id}`} className={styles.rowLink}>
          {r.name}
        </Link>
        <span className={styles.sub}>
          {r.serviceName}
          {r.owner ? <> · {r.owner}</> : null}
          <span className="faint"> · {windowLabel(r.window)}</span>
        </span>
        {r.state === "error" && r.error ? <span className={styles.rowError}>{r.error}</span> : null}
      </td>
      <td className={`num ${styles.right}`}>{formatObjective(r.objective)}</td>
      <td className={`num ${styles.right}`} data-testid="slo-sli" data-below={r.sli !== null && r.sli < r.objective ? "true" : undefined}>
        <span className={r.sli !== null && r.sli < r.objective ? styles.bad : undefined}>{formatSli(r.sli)}</span>
      </td>
      <td>
        <BudgetBar remaining={r.remaining} testId="slo-budget" />
      </td>
      <td>
        <Sparkline values={r.spark} objective={r.objective} />
      </td>
      <td>
        <BurnBadge row={r} />
      </td>
      <td>{r.policyTier ? <span className="badge badge-warn">{r.policyTier}</span> : <span className="faint">—</span>}</td>
    </tr>
  );
}

function FilterBar({
  filters,
  onChange,
  services,
  owners,
  active,
  shown,
  total,
}: {
  filters: SloFilters;
  onChange: (patch: Partial<SloFilters>) => void;
  services: Array<[string, string]>;
  owners: string[];
  active: boolean;
  shown: number;
  total: number;
}) {
  return (
    <div className={styles.filters}>
      <select className="select" aria-label="Service" value={filters.service} onChange={(e) => onChange({ service: e.target.value })} data-testid="filter-service">
        <option value="">All services</option>
        {services.map(([id, name]) => (
          <option key={id} value={id}>
            {name}
          </option>
        ))}
      </select>
      <select className="select" aria-label="Status" value={filters.state} onChange={(e) => onChange({ state: e.target.value as SloFilters["state"] })} data-testid="filter-state">
        <option value="">All statuses</option>
        {sloStates.map((s) => (
          <option key={s} value={s}>
            {sloStateMeta[s].label}
          </option>
        ))}
      </select>
      <select className="select" aria-label="Owner" value={filters.owner} onChange={(e) => onChange({ owner: e.target.value })} data-testid="filter-owner" disabled={owners.length === 0 && !filters.owner}>
        <option value="">{owners.length === 0 ? "No owners set" : "All owners"}</option>
        {filters.owner && !owners.includes(filters.owner) ? <option value={filters.owner}>{filters.owner}</option> : null}
        {owners.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      <span className="spacer" />
      <span className="muted num" aria-live="polite" data-testid="slo-shown">
        {active ? `${shown.toLocaleString()} of ${total.toLocaleString()} shown` : `${total.toLocaleString()} SLO${total === 1 ? "" : "s"}`}
      </span>
      {active ? (
        <button type="button" className="btn btn-sm" onClick={() => onChange({ service: "", state: "", owner: "" })}>
          Clear filters
        </button>
      ) : null}
    </div>
  );
}

function NoSlos({ canOperate, onImport }: { canOperate: boolean; onImport: () => void }) {
  return (
    <section className="card" data-testid="empty-state">
      <EmptyState icon={<IconTarget />} title="No SLOs yet">
        <p>
          An SLO sets an objective on an indicator — for example 99.9 % of checks good over a rolling 30 days — and turns what is left into an error budget. The
          indicator comes from a component&apos;s probes, from events your services push, or from a Prometheus query.
        </p>
        <p>
          Not sure which objective to pick? <Link href="/slos/sla-tiers">See how much downtime each one allows</Link>.
        </p>
        {canOperate ? (
          <div className="row" style={{ justifyContent: "center", marginTop: 6 }}>
            <Link href="/slos/new" className="btn btn-primary" data-testid="create-first-slo">
              <IconPlus />
              Create your first SLO
            </Link>
            <button type="button" className="btn" onClick={onImport}>
              <IconUpload />
              Import OpenSLO
            </button>
          </div>
        ) : (
          <p>Ask an operator or admin to define SLOs.</p>
        )}
      </EmptyState>
    </section>
  );
}
