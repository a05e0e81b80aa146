"use client";

import { useEffect, useRef, useState } from "react";
import { type HealthState, componentKinds } from "@/server/health/schemas";
import { IconSearch } from "./icons";
import styles from "./health.module.css";
import { type HealthFilters, type SortKey, sortOptions } from "./use-health-filters";
import { kindLabel, stateMeta, stateOrder } from "./state";
import type { ServiceSummary } from "./types";

/** One button per state with its count; pressing one filters to it (several may be pressed). */
export function CountsBar({ counts, total, selected, onChange }: { counts: Record<HealthState, number>; total: number; selected: HealthState[]; onChange: (s: HealthState[]) => void }) {
  return (
    <div className={styles.counts} role="group" aria-label="Filter by state" data-testid="health-counts">
      <button type="button" className={styles.count} aria-pressed={selected.length === 0} onClick={() => onChange([])} data-state="all">
        <span className={styles.countValue}>{total.toLocaleString()}</span>
        <span className={styles.countLabel}>All</span>
      </button>
      {stateOrder.map((s) => {
        const on = selected.includes(s);
        const Icon = stateMeta[s].icon;
        return (
          <button
            key={s}
            type="button"
            className={styles.count}
            aria-pressed={on}
            data-state={s}
            data-testid={`count-${s}`}
            title={stateMeta[s].description}
            onClick={() => onChange(on ? selected.filter((x) => x !== s) : [...selected, s])}
          >
            <span className={styles.countValue}>{counts[s].toLocaleString()}</span>
            <span className={`${styles.countLabel} ${styles.state}`} data-state={s}>
              <Icon />
              {stateMeta[s].label}
            </span>
          </button>
        );
      })}
    </div>
  );
}

/** Search as you type, written to the URL a moment after the last key. */
function SearchBox({ value, onChange }: { value: string; onChange: (q: string) => void }) {
  const [text, setText] = useState(value);
  const [synced, setSynced] = useState(value);
  const written = useRef(value);
  // The URL changed under us (back button, "Clear filters"), not by our own write: show it.
  if (value !== synced) {
    setSynced(value);
    if (value !== written.current.trim()) setText(value);
  }
  // Live updates re-render often; the pending write must not restart on each of them.
  const write = useRef(onChange);
  write.current = onChange;
  useEffect(() => {
    if (text.trim() === value) return;
    const t = setTimeout(() => {
      written.current = text;
      write.current(text);
    }, 200);
    return () => clearTimeout(t);
  }, [text, value]);
  return (
    <div className={styles.search}>
      <IconSearch />
      <input
        type="search"
        className="input"
        placeholder="Search name or target"
        aria-label="Search components by name or target"
        value={text}
        onChange={(e) => setText(e.target.value)}
        data-testid="health-search"
      />
    </div>
  );
}

export function FilterBar({
  filters,
  onChange,
  services,
  tags,
  active,
  shown,
  total,
}: {
  filters: HealthFilters;
  onChange: (patch: Partial<HealthFilters>) => void;
  services: ServiceSummary[];
  tags: string[];
  active: boolean;
  shown: number;
  total: number;
}) {
  return (
    <div className={styles.filters}>
      <SearchBox value={filters.q} onChange={(q) => onChange({ q })} />
      <select className="select" aria-label="Kind" value={filters.kind} onChange={(e) => onChange({ kind: e.target.value as HealthFilters["kind"] })} data-testid="filter-kind">
        <option value="">All kinds</option>
        {componentKinds.map((k) => (
          <option key={k} value={k}>
            {kindLabel[k]}
          </option>
        ))}
      </select>
      <select className="select" aria-label="Service" value={filters.service} onChange={(e) => onChange({ service: e.target.value })} data-testid="filter-service">
        <option value="">All services</option>
        {services.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
      <select className="select" aria-label="Tag" value={filters.tag} onChange={(e) => onChange({ tag: e.target.value })} data-testid="filter-tag" disabled={tags.length === 0 && !filters.tag}>
        <option value="">{tags.length === 0 ? "No tags" : "All tags"}</option>
        {filters.tag && !tags.includes(filters.tag) ? <option value={filters.tag}>{filters.tag}</option> : null}
        {tags.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      <label className={styles.sort}>
        <span className="muted">Sort</span>
        <select className="select" value={filters.sort} onChange={(e) => onChange({ sort: e.target.value as SortKey })} data-testid="filter-sort">
          {(Object.keys(sortOptions) as SortKey[]).map((k) => (
            <option key={k} value={k}>
              {sortOptions[k]}
            </option>
          ))}
        </select>
      </label>
      <span className="spacer" />
      <span className="muted num" aria-live="polite" data-testid="health-shown">
        {active ? `${shown.toLocaleString()} of ${total.toLocaleString()} shown` : `${total.toLocaleString()} component${total === 1 ? "" : "s"}`}
      </span>
      {active ? (
        <button type="button" className="btn btn-sm" onClick={() => onChange({ states: [], kind: "", service: "", tag: "", q: "" })}>
          Clear filters
        </button>
      ) : null}
    </div>
  );
}
