"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";

/** The filters as they sit in the URL: text as typed, times as ISO instants (so links work across zones). */
export type AuditFilters = { actor: string; action: string; target: string; from: string; to: string };

const keys = ["actor", "action", "target", "from", "to"] as const;

export function useAuditFilters() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();

  const filters = useMemo<AuditFilters>(
    () => ({
      actor: params.get("actor") ?? "",
      action: params.get("action") ?? "",
      target: params.get("target") ?? "",
      from: params.get("from") ?? "",
      to: params.get("to") ?? "",
    }),
    [params],
  );

  const setFilters = useCallback(
    (next: AuditFilters) => {
      const q = new URLSearchParams();
      for (const k of keys) {
        const v = next[k].trim();
        if (v) q.set(k, v);
      }
      const s = q.toString();
      router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
    },
    [router, pathname],
  );

  const active = keys.some((k) => filters[k] !== "");
  return { filters, setFilters, active, key: params.toString() };
}

const validDate = (iso: string): Date | undefined => {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

/** The `audit.list` input for these filters, or an error a person can act on. */
export function toQueryInput(f: AuditFilters) {
  const from = validDate(f.from);
  const to = validDate(f.to);
  const error = from && to && from > to ? "'To' must be after 'from'" : undefined;
  const input = {
    actor: f.actor.trim() || undefined,
    action: f.action.trim() || undefined,
    target: f.target.trim() || undefined,
    from,
    to,
    limit: 50,
  };
  return { input, error };
}
