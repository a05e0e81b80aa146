"use client";

import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useMemo, useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { describedBy } from "@/components/ui/field";
import { fromLocalInputValue, toLocalInputValue } from "@/components/ui/format";
import type { AuditFilters as Filters } from "./use-audit-filters";
import styles from "./audit.module.css";

/**
 * Filters apply on submit (Enter in any field) and land in the URL, so a
 * filtered view can be bookmarked or pasted into an incident channel.
 */
export function AuditFilters({ filters, onApply, error }: { filters: Filters; onApply: (f: Filters) => void; error?: string }) {
  const trpc = useTRPC();
  const actions = useQuery(trpc.audit.actions.queryOptions());
  const [draft, setDraft] = useState({ ...filters, from: toLocalInputValue(filters.from), to: toLocalInputValue(filters.to) });

  // Every action, then a prefix wildcard for each family: user.* matches user.create, user.role.change…
  const suggestions = useMemo(() => {
    const list = actions.data ?? [];
    const prefixes = new Set<string>();
    for (const a of list) {
      const dot = a.indexOf(".");
      if (dot > 0) prefixes.add(`${a.slice(0, dot)}.*`);
    }
    return [...list, ...[...prefixes].sort()];
  }, [actions.data]);

  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({ ...draft, from: fromLocalInputValue(draft.from) ?? "", to: fromLocalInputValue(draft.to) ?? "" });
  };
  const clear = () => {
    const empty = { actor: "", action: "", target: "", from: "", to: "" };
    setDraft(empty);
    onApply(empty);
  };

  return (
    <form className={styles.filters} onSubmit={submit} role="search" aria-label="Filter the audit log" data-testid="audit-filters">
      <div className="field">
        <label htmlFor="audit-actor">Actor</label>
        <input id="audit-actor" className="input" placeholder="email or system name" value={draft.actor} onChange={set("actor")} />
      </div>
      <div className="field">
        <label htmlFor="audit-action">Action</label>
        <input
          id="audit-action"
          className="input mono"
          list="audit-action-list"
          placeholder="any, or user.*"
          spellCheck={false}
          autoComplete="off"
          value={draft.action}
          onChange={set("action")}
          aria-describedby="audit-action-hint"
        />
        <datalist id="audit-action-list">
          {suggestions.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <span id="audit-action-hint" className="sr-only">
          Pick a recorded action or type one; end with * to match a prefix.
        </span>
      </div>
      <div className="field">
        <label htmlFor="audit-target">Target</label>
        <input id="audit-target" className="input" placeholder="type or id" value={draft.target} onChange={set("target")} />
      </div>
      <div className="field">
        <label htmlFor="audit-from">From</label>
        <input id="audit-from" type="datetime-local" className="input" value={draft.from} onChange={set("from")} />
      </div>
      <div className="field">
        <label htmlFor="audit-to">To</label>
        <input
          id="audit-to"
          type="datetime-local"
          className="input"
          value={draft.to}
          onChange={set("to")}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy("audit-to", { error: !!error })}
        />
      </div>
      <div className={styles.filterActions}>
        <button type="submit" className="btn btn-primary" data-testid="audit-apply">
          Apply
        </button>
        <button type="button" className="btn" onClick={clear}>
          Clear
        </button>
      </div>
      {error ? (
        <p id="audit-to-error" className={`field-error ${styles.filterError}`} role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
