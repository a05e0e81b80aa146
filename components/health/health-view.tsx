"use client";

import { useHealthOverview } from "@/components/health/use-overview";
import Link from "next/link";
import { useDeferredValue, useMemo, useState } from "react";
import { errorMessage } from "@/components/trpc/errors";
import { LabCard } from "@/components/lab/lab-card";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError } from "@/components/ui/field";
import { IconHealth, IconPlus } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { emptyCounts } from "./derive";
import { type Group, HealthGrid } from "./health-grid";
import { CountsBar, FilterBar } from "./health-toolbar";
import styles from "./health.module.css";
import { IconUpload } from "./icons";
import { ExportButton, ImportDialog } from "./yaml-dialogs";
import type { HealthOverview } from "./types";
import { severity } from "./state";
import { type HealthFilters, collator, compareRows, matchesExceptState, useHealthFilters } from "./use-health-filters";
import { useHealthLive } from "./use-health-live";
import { useRole } from "./use-role";
import { WorkerDownNotice } from "./worker-down-notice";

function buildView(data: HealthOverview, f: HealthFilters) {
  const needle = f.q.trim().toLowerCase();
  const counts = emptyCounts();
  const byService = new Map<string, Group["rows"]>();
  let shown = 0;
  for (const c of data.components) {
    if (!matchesExceptState(c, f, needle)) continue;
    counts[c.state] += 1;
    if (f.states.length && !f.states.includes(c.state)) continue;
    let rows = byService.get(c.serviceId);
    if (!rows) byService.set(c.serviceId, (rows = []));
    rows.push(c);
    shown++;
  }
  const cmp = compareRows(f.sort);
  const groups: Group[] = [];
  for (const service of data.services) {
    const rows = byService.get(service.id);
    if (!rows) continue;
    rows.sort(cmp);
    groups.push({ service, rows });
  }
  const byName = (a: Group, b: Group) => collator.compare(a.service.name, b.service.name);
  groups.sort(f.sort === "state" ? (a, b) => severity[a.service.state] - severity[b.service.state] || byName(a, b) : byName);
  const filteredTotal = Object.values(counts).reduce((a, b) => a + b, 0);
  return { counts, groups, shown, filteredTotal };
}

export function HealthView() {
  useHealthLive();
  const { canOperate } = useRole();
  const overview = useHealthOverview();
  const { filters, setFilters, active } = useHealthFilters();
  const deferred = useDeferredValue(filters);
  const [importing, setImporting] = useState(false);

  const data = overview.data;
  const view = useMemo(() => (data ? buildView(data, deferred) : null), [data, deferred]);
  const components = data?.components;
  const tags = useMemo(() => {
    const all = new Set<string>();
    for (const c of components ?? []) for (const t of c.tags) all.add(t);
    return [...all].sort();
  }, [components]);
  const services = useMemo(() => [...(data?.services ?? [])].sort((a, b) => collator.compare(a.name, b.name)), [data?.services]);

  const actions = (
    <>
      {data && data.components.length > 0 ? <ExportButton /> : null}
      {canOperate ? (
        <>
          <button type="button" className="btn" onClick={() => setImporting(true)} data-testid="import-yaml">
            <IconUpload />
            Import YAML
          </button>
          <Link href="/health/new" className="btn btn-primary" data-testid="add-component">
            <IconPlus />
            Add component
          </Link>
        </>
      ) : null}
    </>
  );

  return (
    <div className="page">
      <PageHeader title="Health" lede="Every component your services depend on, grouped by service, live." actions={actions} />
      <WorkerDownNotice />
      {overview.isError ? <FormError message={errorMessage(overview.error)} /> : null}
      {overview.isPending ? <div className="card card-body muted">Loading…</div> : null}
      {data && view && data.components.length === 0 ? <NoComponents canOperate={canOperate} onImport={() => setImporting(true)} /> : null}
      {data && view && data.components.length > 0 ? (
        <div className="stack" style={{ gap: 12 }}>
          <CountsBar counts={view.counts} total={view.filteredTotal} selected={filters.states} onChange={(states) => setFilters({ states })} />
          <section className="card" aria-label="Components">
            <FilterBar filters={filters} onChange={setFilters} services={services} tags={tags} active={active} shown={view.shown} total={data.components.length} />
            {view.groups.length > 0 ? (
              <HealthGrid groups={view.groups} total={view.shown} />
            ) : (
              <div className={styles.noMatch}>
                <EmptyState icon={<IconHealth />} title="No components match these filters">
                  <p>Clear a filter or change the search. Search matches any part of a component&apos;s name or target.</p>
                  <button type="button" className="btn" onClick={() => setFilters({ states: [], kind: "", service: "", tag: "", q: "" })}>
                    Clear filters
                  </button>
                </EmptyState>
              </div>
            )}
          </section>
        </div>
      ) : null}
      {/* The demo lab's knobs sit next to what they move: slow a sample service down, watch it turn degraded. */}
      <LabCard />
      <ImportDialog open={importing} onClose={() => setImporting(false)} />
    </div>
  );
}

function NoComponents({ canOperate, onImport }: { canOperate: boolean; onImport: () => void }) {
  return (
    <section className="card" data-testid="health-empty">
      <EmptyState icon={<IconHealth />} title="No components yet">
        <p>
          A component is one thing Bulwark checks: an HTTP endpoint, a TCP port, a WebSocket, a PostgreSQL or Redis server, a Patroni cluster, a PgBouncer
          pool, or a job that pushes heartbeats. The worker checks each on its own interval, and every change of state is recorded with its cause.
        </p>
        <p>Components belong to services; a service&apos;s state is derived from its components.</p>
        {canOperate ? (
          <div className="row" style={{ justifyContent: "center", marginTop: 6 }}>
            <Link href="/health/new" className="btn btn-primary">
              <IconPlus />
              Add component
            </Link>
            <button type="button" className="btn" onClick={onImport}>
              <IconUpload />
              Import YAML
            </button>
          </div>
        ) : (
          <p>Ask an operator or admin to add components.</p>
        )}
      </EmptyState>
    </section>
  );
}
