"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { type ComponentKind, type HealthState, componentKinds, healthStates } from "@/server/health/schemas";
import { severity } from "./state";
import type { ComponentRow } from "./types";

export const sortOptions = { state: "Worst state first", name: "Name", latency: "Slowest first" } as const;
export type SortKey = keyof typeof sortOptions;

/** The filters as they sit in the URL, so a filtered view can be linked and survives a reload. */
export type HealthFilters = { states: HealthState[]; kind: ComponentKind | ""; service: string; tag: string; q: string; sort: SortKey };

export const noFilters: HealthFilters = { states: [], kind: "", service: "", tag: "", q: "", sort: "state" };

const isState = (s: string): s is HealthState => (healthStates as readonly string[]).includes(s);
const isKind = (s: string): s is ComponentKind => (componentKinds as readonly string[]).includes(s);
const isSort = (s: string): s is SortKey => s in sortOptions;

export function useHealthFilters() {
  const params = useSearchParams();
  const pathname = usePathname();

  const filters = useMemo<HealthFilters>(() => {
    const kind = params.get("kind") ?? "";
    const sort = params.get("sort") ?? "";
    return {
      states: (params.get("state") ?? "").split(",").filter(isState),
      kind: isKind(kind) ? kind : "",
      service: params.get("service") ?? "",
      tag: params.get("tag") ?? "",
      q: params.get("q") ?? "",
      sort: isSort(sort) ? sort : "state",
    };
  }, [params]);

  const setFilters = useCallback(
    (patch: Partial<HealthFilters>) => {
      const next = { ...filters, ...patch };
      const q = new URLSearchParams();
      if (next.states.length) q.set("state", next.states.join(","));
      if (next.kind) q.set("kind", next.kind);
      if (next.service) q.set("service", next.service);
      if (next.tag) q.set("tag", next.tag);
      if (next.q.trim()) q.set("q", next.q.trim());
      if (next.sort !== "state") q.set("sort", next.sort);
      const s = q.toString();
      // The History API, not router.replace: Next keeps useSearchParams in sync without a server round trip,
      // which for this page would re-send the whole fleet on every keystroke.
      window.history.replaceState(null, "", s ? `${pathname}?${s}` : pathname);
    },
    [filters, pathname],
  );

  const active = filters.states.length > 0 || filters.kind !== "" || filters.service !== "" || filters.tag !== "" || filters.q.trim() !== "";
  return { filters, setFilters, active };
}

/** Filters ignoring the state, so the counts bar can show what each state button would add. */
export function matchesExceptState(c: ComponentRow, f: HealthFilters, needle: string): boolean {
  if (f.kind && c.kind !== f.kind) return false;
  if (f.service && c.serviceId !== f.service) return false;
  if (f.tag && !c.tags.includes(f.tag)) return false;
  if (needle && !c.name.toLowerCase().includes(needle) && !c.target.toLowerCase().includes(needle)) return false;
  return true;
}

/** One collator for every sort: `localeCompare` with options builds one per call, far too slow for 10,000 rows. */
export const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

export function compareRows(sort: SortKey): (a: ComponentRow, b: ComponentRow) => number {
  const byName = (a: ComponentRow, b: ComponentRow) => collator.compare(a.name, b.name);
  if (sort === "name") return byName;
  if (sort === "latency") return (a, b) => (b.lastLatencyMs ?? -1) - (a.lastLatencyMs ?? -1) || byName(a, b);
  return (a, b) => severity[a.state] - severity[b.state] || byName(a, b);
}
