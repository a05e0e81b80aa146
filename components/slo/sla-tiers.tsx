"use client";

import { useId, useState } from "react";
import { COMMON_OBJECTIVES, SLA_PERIOD_DAYS, type SlaPeriod, slaTable } from "@/server/slo/math/sla-tiers";
import { IconAlert } from "@/components/ui/icons";
import { formatDowntime } from "./format-duration";
import { formatObjectivePercent, parseObjectivePercent } from "./objective";
import styles from "./sla-tiers.module.css";

const periods: ReadonlyArray<{ key: SlaPeriod; label: string; note?: string }> = [
  { key: "day", label: "Per day" },
  { key: "week", label: "Per week" },
  { key: "month", label: "Per month", note: "30 d" },
  { key: "quarter", label: "Per quarter", note: "91.3 d" },
  { key: "year", label: "Per year", note: "365.25 d" },
];

/** Keeps the typed objective in `?objective=` so a table can be linked and survives a reload. */
function writeObjectiveToUrl(text: string): void {
  const url = new URL(window.location.href);
  if (text.trim()) url.searchParams.set("objective", text.trim());
  else url.searchParams.delete("objective");
  // The History API, not router.replace: nothing on the server depends on it, so no round trip per keystroke.
  window.history.replaceState(window.history.state, "", `${url.pathname}${url.search}${url.hash}`);
}

export function SlaTiers({ initialObjective }: { initialObjective: string }) {
  const id = useId();
  const inputId = `${id}-objective`;
  const messageId = `${id}-objective-message`;
  const [text, setText] = useState(initialObjective);

  const parsed = parseObjectivePercent(text);
  const custom = parsed?.ok ? parsed.objective : null;
  const error = parsed && !parsed.ok ? parsed.error : null;

  const objectives = custom === null || COMMON_OBJECTIVES.includes(custom) ? COMMON_OBJECTIVES : [...COMMON_OBJECTIVES, custom].sort((a, b) => a - b);
  const rows = slaTable(objectives);

  const update = (value: string) => {
    setText(value);
    writeObjectiveToUrl(value);
  };

  return (
    <div className="stack">
      <section className="card">
        <div className="card-body">
          <form className={styles.custom} onSubmit={(e) => e.preventDefault()}>
            <div className="field">
              <label htmlFor={inputId}>Custom objective</label>
              <div className={styles.inputRow}>
                <div className={styles.percent}>
                  <input
                    id={inputId}
                    className="input num"
                    data-testid="sla-objective"
                    type="text"
                    inputMode="decimal"
                    autoComplete="off"
                    spellCheck={false}
                    placeholder="99.975"
                    value={text}
                    onChange={(e) => update(e.target.value)}
                    onKeyDown={(e) => {
                      if (e.key === "Escape" && text) {
                        e.preventDefault();
                        update("");
                      }
                    }}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={messageId}
                  />
                  <span className={styles.suffix} aria-hidden="true">
                    %
                  </span>
                </div>
                {text ? (
                  <button type="button" className="btn btn-ghost btn-sm" onClick={() => update("")}>
                    Clear
                  </button>
                ) : null}
              </div>
              <div id={messageId} aria-live="polite">
                {error ? (
                  <span className="field-error" data-testid="sla-objective-error">
                    <IconAlert />
                    <span>{error}</span>
                  </span>
                ) : (
                  <span className="hint">
                    {custom !== null
                      ? `${formatObjectivePercent(custom)} is highlighted in the table.`
                      : "A percentage between 0 and 100, for example 99.975. It is added to the table and kept in the page address."}
                  </span>
                )}
              </div>
            </div>
          </form>
        </div>
      </section>

      <section className="card card-flush">
        <div className="table-wrap">
          <table className={`table ${styles.table}`} data-testid="sla-table">
            <caption className="sr-only">Allowed downtime per period for each availability objective</caption>
            <thead>
              <tr>
                <th scope="col">Objective</th>
                {periods.map((p) => (
                  <th scope="col" key={p.key} className={styles.numeric}>
                    {p.label}
                    {p.note ? <span className={styles.periodNote}> ({p.note})</span> : null}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const highlighted = row.objective === custom;
                return (
                  <tr key={row.objective} data-testid="sla-row" data-objective={formatObjectivePercent(row.objective)} data-custom={highlighted ? "true" : undefined} className={highlighted ? styles.highlight : undefined}>
                    <th scope="row" className={styles.objective}>
                      <span className={styles.objectiveCell}>
                        <span className="num">{formatObjectivePercent(row.objective)}</span>
                        {highlighted ? <span className="badge badge-accent">Custom</span> : null}
                      </span>
                    </th>
                    {periods.map((p) => (
                      <td key={p.key} data-period={p.key} className={styles.numeric}>
                        {formatDowntime(row.downtimeMs[p.key])}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <section className={`card card-body ${styles.notes}`}>
        <h2>How these are worked out</h2>
        <p>
          Allowed downtime is the error budget, 100% minus the objective, times the length of the period: 99.9% of a 30-day month is 0.1% × 43,200 minutes = 43.2
          minutes. Periods are fixed lengths, not calendar ones: a day is 24 hours, a week 7 days, a month {SLA_PERIOD_DAYS.month} days, a quarter{" "}
          {SLA_PERIOD_DAYS.quarter.toFixed(1)} days (365.25 ÷ 4) and a year {SLA_PERIOD_DAYS.year} days, averaging leap years. Figures are rounded to the second, or to
          a tenth of a second under a minute.
        </p>
      </section>
    </div>
  );
}
