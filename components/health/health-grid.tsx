"use client";

import Link from "next/link";
import { memo, useEffect, useRef, useState } from "react";
import { IconChevronDown, IconChevronRight, IconInfo } from "@/components/ui/icons";
import { RelativeTime } from "@/components/ui/relative-time";
import { serviceRule } from "./derive";
import { formatLatency } from "./format";
import styles from "./health.module.css";
import { HealthStatus, kindLabel, stateMeta, stateOrder } from "./state";
import type { ComponentRow, ServiceSummary } from "./types";

export type Group = { service: ServiceSummary; rows: ComponentRow[] };

/** Rows rendered at first, and added each time the end of the list scrolls into view. */
const PAGE = 400;

/**
 * Components grouped by service. Rows are memoized by identity: a live event
 * replaces one row object, so one row re-renders. Very large fleets render in
 * pages as the list scrolls, so the first paint never builds 10,000 rows.
 */
export function HealthGrid({ groups, total }: { groups: Group[]; total: number }) {
  const [limit, setLimit] = useState(PAGE);
  const sentinel = useRef<HTMLDivElement>(null);
  const more = total > limit;

  useEffect(() => {
    const el = sentinel.current;
    if (!el || !more) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setLimit((l) => l + PAGE);
    }, { rootMargin: "800px 0px" });
    io.observe(el);
    return () => io.disconnect();
  }, [more, limit]);

  let budget = limit;
  const shown: { group: Group; count: number }[] = [];
  for (const g of groups) {
    if (budget <= 0) break;
    const count = Math.min(g.rows.length, budget);
    shown.push({ group: g, count });
    budget -= count;
  }

  return (
    <div className={styles.grid} data-testid="health-grid">
      <div className={styles.columns} aria-hidden="true">
        <span>State</span>
        <span>Component</span>
        <span>Kind</span>
        <span>Target</span>
        <span className={styles.right}>Latency</span>
        <span>Checked</span>
        <span>Tags</span>
      </div>
      {shown.map(({ group, count }) => (
        <ServiceGroup key={group.service.id} service={group.service} rows={group.rows} count={count} />
      ))}
      {more ? (
        <div ref={sentinel} className={styles.more}>
          <span className="spinner" aria-hidden="true" />
          <span className="muted">
            Showing {limit.toLocaleString()} of {total.toLocaleString()} — scroll for more, or narrow the filters.
          </span>
          <button type="button" className="btn btn-sm" onClick={() => setLimit((l) => l + PAGE * 5)}>
            Show more
          </button>
        </div>
      ) : null}
    </div>
  );
}

function countsText(counts: ServiceSummary["counts"]): string {
  return stateOrder
    .filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${stateMeta[s].label.toLowerCase()}`)
    .join(" · ");
}

const ServiceGroup = memo(function ServiceGroup({ service, rows, count }: { service: ServiceSummary; rows: ComponentRow[]; count: number }) {
  const [open, setOpen] = useState(true);
  const listId = `svc-${service.id}`;
  const visible = rows.slice(0, count);
  return (
    <section className={styles.group} aria-labelledby={`${listId}-name`} data-testid="service-group" data-service={service.name}>
      <header className={styles.groupHeader}>
        <button
          type="button"
          className="btn btn-ghost btn-sm btn-icon"
          aria-expanded={open}
          aria-controls={listId}
          aria-label={`${open ? "Collapse" : "Expand"} ${service.name}`}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? <IconChevronDown /> : <IconChevronRight />}
        </button>
        <h2 id={`${listId}-name`} className={styles.groupName}>
          {service.name}
        </h2>
        <HealthStatus state={service.state} testId="service-state" />
        <span className={styles.rule} tabIndex={0} title={serviceRule} aria-label={`How a service's state is derived: ${serviceRule}`}>
          <IconInfo />
        </span>
        <span className="spacer" />
        <span className="muted num">
          {rows.length < countAll(service.counts) ? `${rows.length} of ` : ""}
          {countAll(service.counts)} component{countAll(service.counts) === 1 ? "" : "s"}
          {countsText(service.counts) ? ` · ${countsText(service.counts)}` : ""}
        </span>
      </header>
      {open ? (
        <ul id={listId} className={styles.rows}>
          {visible.map((c) => (
            <Row key={c.id} c={c} />
          ))}
        </ul>
      ) : null}
    </section>
  );
});

function countAll(counts: ServiceSummary["counts"]): number {
  let n = 0;
  for (const s of stateOrder) n += counts[s];
  return n;
}

const Row = memo(function Row({ c }: { c: ComponentRow }) {
  const showMessage = c.state !== "healthy" && c.lastMessage;
  return (
    <li className={styles.row} data-testid="component-row" data-component={c.name} data-state={c.state}>
      <HealthStatus state={c.state} className={styles.cellState} testId="component-state" />
      <span className={styles.cellName}>
        <Link href={`/health/${c.id}`} prefetch={false} className={styles.rowLink} title={c.name}>
          {c.name}
        </Link>
        {c.paused && c.state !== "paused" ? <span className="badge">paused</span> : null}
        {showMessage ? (
          <span className={styles.message} title={c.lastMessage ?? undefined}>
            {c.lastMessage}
          </span>
        ) : null}
      </span>
      <span className={styles.kind}>{kindLabel[c.kind]}</span>
      <span className={`mono ${styles.target}`} title={c.target}>
        {c.target}
      </span>
      <span className={`num ${styles.right}`} title={c.lastOk === false ? "The last check failed" : undefined}>
        {c.lastOk === false ? <span className={styles.failed}>failed</span> : formatLatency(c.lastLatencyMs)}
      </span>
      <span className="muted">
        <RelativeTime date={c.lastCheckedAt} intervalMs={5000} />
      </span>
      <span className={styles.tags} title={c.tags.length ? c.tags.join(", ") : undefined}>
        {c.tags.map((t) => (
          <span key={t} className={styles.tag}>
            {t}
          </span>
        ))}
      </span>
    </li>
  );
});
