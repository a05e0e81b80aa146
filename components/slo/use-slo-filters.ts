"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { type SloStateName, sloStates } from "@/server/slo/schemas";
import { stateSeverity } from "./format";
import type { SloRow } from "./types";

export const sortKeys = ["state", "name", "objective", "sli", "remaining", "burn", "tier"] as const;
export type SortKey = (typeof sortKeys)[number];
export type SortDir = "asc" | "desc";

/** The direction a column starts in when first clicked: worst first where there is a worst. */
export const firstDir: Record<SortKey, SortDir> = { state: "asc", name: "asc", objective: "desc", sli: "asc", remaining: "asc", burn: "desc", tier: "asc" };

/** The filters as they sit in the URL, so a filtered view can be linked and survives a reload. */
export type SloFilters = { service: string; state: SloStateName | ""; owner: string; sort: SortKey; dir: SortDir };

const isState = (s: string): s is SloStateName => (sloStates as readonly string[]).includes(s);
const isSort = (s: string): s is SortKey => (sortKeys as readonly string[]).includes(s);

export function useSloFilters() {
  const params = useSearchParams();
  const pathname = usePathname();

  const filters = useMemo<SloFilters>(() => {
    const state = params.get("state") ?? "";
    const sort = params.get("sort") ?? "";
    return {
      service: params.get("service") ?? "",
      state: isState(state) ? state : "",
      owner: params.get("owner") ?? "",
      sort: isSort(sort) ? sort : "state",
      dir: params.get("dir") === "desc" ? "desc" : "asc",
    };
  }, [params]);

  const setFilters = useCallback(
    (patch: Partial<SloFilters>) => {
      const next = { ...filters, ...patch };
      const q = new URLSearchParams();
      if (next.service) q.set("service", next.service);
      if (next.state) q.set("state", next.state);
      if (next.owner) q.set("owner", next.owner);
      if (next.sort !== "state") q.set("sort", next.sort);
      if (next.dir !== "asc") q.set("dir", next.dir);
      const s = q.toString();
      // The History API, not router.replace: Next keeps useSearchParams in sync without a server round trip.
      window.history.replaceState(null, "", s ? `${pathname}?${s}` : pathname);
    },
    [filters, pathname],
  );

  const active = filters.service !== "" || filters.state !== "" || filters.owner !== "";
  return { filters, setFilters, active };
}

export function matches(r: SloRow, f: SloFilters): boolean {
  if (f.service && r.serviceId !== f.service) return false;
  if (f.state && r.state !== f.state) return false;
  if (f.owner && r.owner !== f.owner) return false;
  return true;
}

export const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** The burn shown in the list: the worst firing rule's long-window burn, else the 1 h burn. */
export function headlineBurn(r: Pick<SloRow, "firing" | "burnRates">): { value: number | null; rule: SloRow["firing"][number] | null } {
  let worst: SloRow["firing"][number] | null = null;
  for (const f of r.firing) {
    if (!worst || (f.severity === "page" && worst.severity !== "page") || (f.severity === worst.severity && f.longBurn > worst.longBurn)) worst = f;
  }
  if (worst) return { value: worst.longBurn, rule: worst };
  return { value: r.burnRates["1h"] ?? null, rule: null };
}

/** Nulls (no data) sort last whichever way. */
function byNumber(a: number | null, b: number | null, dir: SortDir): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return dir === "asc" ? a - b : b - a;
}

export function compareRows(sort: SortKey, dir: SortDir): (a: SloRow, b: SloRow) => number {
  const byName = (a: SloRow, b: SloRow) => collator.compare(a.name, b.name);
  const flip = dir === "asc" ? 1 : -1;
  switch (sort) {
    case "name":
      return (a, b) => flip * byName(a, b);
    case "objective":
      return (a, b) => flip * (a.objective - b.objective) || byName(a, b);
    case "sli":
      return (a, b) => byNumber(a.sli, b.sli, dir) || byName(a, b);
    case "remaining":
      return (a, b) => byNumber(a.remaining, b.remaining, dir) || byName(a, b);
    case "burn":
      return (a, b) => byNumber(headlineBurn(a).value, headlineBurn(b).value, dir) || byName(a, b);
    case "tier":
      return (a, b) => flip * collator.compare(a.policyTier ?? "\uffff", b.policyTier ?? "\uffff") || byName(a, b);
    default:
      return (a, b) => flip * (stateSeverity[a.state] - stateSeverity[b.state]) || byName(a, b);
  }
}
