"use client";

import { keepPreviousData, useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError } from "@/components/ui/field";
import { IconArrowUp, IconAudit } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { AuditFilters } from "./audit-filters";
import { AuditTable } from "./audit-table";
import styles from "./audit.module.css";
import { toQueryInput, useAuditFilters } from "./use-audit-filters";
import { useNewEntries } from "./use-new-entries";

export function AuditView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { filters, setFilters, active, key } = useAuditFilters();
  const { input, error: filterError } = toQueryInput(filters);

  const list = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(input, {
      enabled: !filterError,
      getNextPageParam: (last) => last.nextCursor,
      placeholderData: keepPreviousData,
    }),
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const topId = list.data?.pages[0]?.items[0]?.id;
  const { found, dismiss } = useNewEntries(input, topId, !filterError && list.isSuccess);

  const showNew = async () => {
    dismiss();
    await queryClient.invalidateQueries(trpc.audit.list.pathFilter());
    document.getElementById("audit-scroll")?.scrollTo({ top: 0 });
  };

  return (
    <div className="page">
      <PageHeader title="Audit log" lede="Every sign-in and change, who made it and from which request. Append-only: entries cannot be edited or deleted." />
      <section className="card">
        <AuditFilters key={key} filters={filters} onApply={setFilters} error={filterError} />
        <div className="card-header" style={{ borderTop: "1px solid var(--border)", borderBottom: 0 }}>
          <span className="muted num" aria-live="polite">
            {filterError
              ? "Fix the time range to see entries."
              : list.isPending
                ? "Loading…"
                : `${items.length}${list.hasNextPage ? "+" : ""} ${items.length === 1 ? "entry" : "entries"}${active ? " matching" : ""}`}
          </span>
          {list.isFetching && !list.isPending ? <span className="spinner faint" aria-label="Refreshing" /> : null}
          <span className="spacer" />
          <span role="status">
            {found ? (
              <button type="button" className="btn btn-sm btn-primary" onClick={() => void showNew()} data-testid="audit-new-entries">
                <IconArrowUp />
                {found.count}
                {found.more ? "+" : ""} new {found.count === 1 ? "entry" : "entries"} — refresh
              </button>
            ) : null}
          </span>
        </div>
        {list.isError ? (
          <div className="card-body">
            <FormError message={errorMessage(list.error)} />
          </div>
        ) : null}
        {list.isSuccess && items.length === 0 ? (
          <div style={{ borderTop: "1px solid var(--border)" }}>
            <EmptyState icon={<IconAudit />} title={active ? "No entries match these filters" : "No audit entries yet"}>
              <p>
                {active
                  ? "Widen the time range or clear a filter. Actor and target match any part of the text; an action ending in * matches a prefix."
                  : "Every sign-in, user change and operation is recorded here as it happens, in the same transaction as the change itself."}
              </p>
              {active ? (
                <button type="button" className="btn" onClick={() => setFilters({ actor: "", action: "", target: "", from: "", to: "" })}>
                  Clear filters
                </button>
              ) : null}
            </EmptyState>
          </div>
        ) : null}
        {items.length > 0 ? (
          <>
            <div className={styles.tableWrap} id="audit-scroll">
              <AuditTable items={items} />
            </div>
            <div className={styles.footer}>
              {list.hasNextPage ? (
                <button type="button" className="btn" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage} data-testid="audit-load-more">
                  {list.isFetchingNextPage ? <span className="spinner" aria-hidden="true" /> : null}
                  {list.isFetchingNextPage ? "Loading…" : "Load more"}
                </button>
              ) : (
                <span className="faint">{active ? "No more matching entries." : "This is the first entry in the log."}</span>
              )}
            </div>
          </>
        ) : null}
      </section>
    </div>
  );
}
