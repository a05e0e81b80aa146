"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError } from "@/components/ui/field";
import { IconChevronRight, IconDownload, IconTarget } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { downloadText } from "@/components/ui/download";
import { formatBudget, formatObjective, formatSli, utcMonth } from "./format";
import styles from "./slo.module.css";

const dayFmt = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

/** One service's SLOs over one UTC month, as a table and as CSV / Markdown. */
export function SloReport() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const services = useQuery(trpc.health.services.queryOptions());
  const [service, setService] = useState("");
  const [month, setMonth] = useState(() => utcMonth(0));
  const chosen = service || services.data?.[0]?.name || "";
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  const q = useQuery(trpc.slo.report.queryOptions({ service: chosen, month }, { enabled: chosen !== "" && valid, placeholderData: keepPreviousData }));
  const [busy, setBusy] = useState<"csv" | "markdown" | null>(null);
  const [error, setError] = useState<string>();

  const exportAs = async (format: "csv" | "markdown") => {
    setBusy(format);
    setError(undefined);
    try {
      const r = await queryClient.fetchQuery(trpc.slo.reportExport.queryOptions({ service: chosen, month, format }, { staleTime: 0, gcTime: 0 }));
      downloadText(r.content, r.filename, r.mime);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const r = q.data;
  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className={styles.crumbs}>
        <Link href="/slos">SLOs</Link>
        <IconChevronRight />
      </nav>
      <PageHeader title="Monthly SLO report" lede="Each SLO of a service over one calendar month (UTC): whether it met its objective, the budget used, the worst day." />
      <div className="stack">
        <section className="card card-body">
          <div className={styles.toolbar}>
            <div className="field">
              <label htmlFor="rep-service">Service</label>
              <select id="rep-service" className="select" value={chosen} onChange={(e) => setService(e.target.value)} data-testid="report-service">
                {(services.data ?? []).map((s) => (
                  <option key={s.id} value={s.name}>
                    {s.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="rep-month">Month (UTC)</label>
              <input id="rep-month" type="month" className="input" value={month} onChange={(e) => setMonth(e.target.value)} data-testid="report-month" />
            </div>
            <div className="row">
              <button type="button" className="btn btn-sm" onClick={() => setMonth(utcMonth(-1))} aria-pressed={month === utcMonth(-1)}>
                Previous month
              </button>
              <button type="button" className="btn btn-sm" onClick={() => setMonth(utcMonth(0))} aria-pressed={month === utcMonth(0)}>
                This month
              </button>
            </div>
            <span className="spacer" />
            <button type="button" className="btn" disabled={!r || busy !== null} onClick={() => void exportAs("csv")} data-testid="report-csv">
              {busy === "csv" ? <span className="spinner" aria-hidden="true" /> : <IconDownload />}
              Download CSV
            </button>
            <button type="button" className="btn" disabled={!r || busy !== null} onClick={() => void exportAs("markdown")} data-testid="report-markdown">
              {busy === "markdown" ? <span className="spinner" aria-hidden="true" /> : <IconDownload />}
              Download Markdown
            </button>
          </div>
          <FormError message={error} />
        </section>
        {services.data && services.data.length === 0 ? (
          <section className="card">
            <EmptyState icon={<IconTarget />} title="No services yet">
              <p>Reports are per service; define an SLO first.</p>
            </EmptyState>
          </section>
        ) : null}
        {q.isError ? <FormError message={errorMessage(q.error)} /> : null}
        {r ? (
          <section className="card card-flush" aria-label="Report">
            <div className="card-header">
              <h2>
                {r.service.name}, {r.month}
              </h2>
              {q.isFetching ? <span className="spinner faint" aria-label="Loading" /> : null}
              <span className="spacer" />
              <span className="muted">
                {r.rows.length} SLO{r.rows.length === 1 ? "" : "s"}, {r.rows.filter((x) => x.met === true).length} met
              </span>
            </div>
            {r.rows.length === 0 ? (
              <div className="card-body muted">This service has no SLOs.</div>
            ) : (
              <div className="table-wrap">
                <table className="table" data-testid="report-table">
                  <thead>
                    <tr>
                      <th scope="col">SLO</th>
                      <th scope="col" className={styles.right}>Objective</th>
                      <th scope="col" className={styles.right}>SLI</th>
                      <th scope="col">Met</th>
                      <th scope="col" className={styles.right}>Budget used</th>
                      <th scope="col">Worst day</th>
                      <th scope="col" className={styles.right}>Events</th>
                      <th scope="col" className={styles.right}>Adjustments</th>
                      <th scope="col" className={styles.right}>Breaches</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.rows.map((row) => (
                      <tr key={row.sloId} data-testid="report-row">
                        <td>
                          <Link href={`/slos/${row.sloId}`}>{row.name}</Link> <span className="mono faint">{row.key}</span>
                        </td>
                        <td className={`num ${styles.right}`}>{formatObjective(row.objective)}</td>
                        <td className={`num ${styles.right}`}>{formatSli(row.sli)}</td>
                        <td>{row.met === null ? <span className="badge">no data</span> : row.met ? <span className="badge badge-ok">met</span> : <span className="badge badge-bad">missed</span>}</td>
                        <td className={`num ${styles.right}`}>{formatBudget(row.consumed)}</td>
                        <td className="num">{row.worstDay ? `${dayFmt.format(row.worstDay.day)}: ${formatSli(row.worstDay.sli)}` : <span className="faint">—</span>}</td>
                        <td className={`num ${styles.right}`}>
                          {row.good.toLocaleString()} / {row.total.toLocaleString()}
                        </td>
                        <td className={`num ${styles.right}`}>{row.adjustments}</td>
                        <td className={`num ${styles.right}`}>{row.breaches}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        ) : null}
      </div>
    </div>
  );
}
