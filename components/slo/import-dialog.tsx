"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import { IconCheckCircle, IconInfo } from "@/components/ui/icons";
import { serverFieldErrors } from "@/components/health/server-errors";
import styles from "./slo.module.css";
import type { ImportReportData } from "./types";

const example = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
  displayName: Checkout availability
spec:
  service: checkout
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  indicator:
    metadata:
      name: checkout-ratio
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total{code!~"5.."}[1m]))
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total[1m]))
  objectives:
    - target: 0.999
`;

type Issue = { where: string; message: string };

function issuesOf(err: unknown): Issue[] {
  const fe = serverFieldErrors(err);
  if (!fe) return [];
  const out: Issue[] = [];
  for (const [key, messages] of Object.entries(fe)) {
    const m = /^(?:documents?\.)?(\d+)(?:\.(.+))?$/.exec(key);
    const where = m ? `Document ${Number(m[1]) + 1}${m[2] ? ` ${m[2]}` : ""}` : key === "_form" ? "" : key;
    for (const message of messages ?? []) out.push({ where, message });
  }
  return out;
}

/**
 * Paste or upload OpenSLO v1 YAML. A dry run comes first and says what would be
 * created or updated and which fields Bulwark does not model; Import then
 * writes all of it, or none.
 */
export function ImportOpenSloDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const [service, setService] = useState("");
  const [report, setReport] = useState<{ text: string; service: string; report: ImportReportData } | null>(null);
  const [done, setDone] = useState<ImportReportData | null>(null);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [formError, setFormError] = useState<string>();
  const run = useMutation(trpc.slo.importOpenSlo.mutationOptions());

  const close = () => {
    setText("");
    setService("");
    setReport(null);
    setDone(null);
    setIssues([]);
    setFormError(undefined);
    run.reset();
    onClose();
  };

  const submit = async (dryRun: boolean) => {
    setIssues([]);
    setFormError(undefined);
    try {
      const res = await run.mutateAsync({ yaml: text, service: service.trim() || undefined, dryRun });
      if (dryRun) setReport({ text, service, report: res });
      else {
        setDone(res);
        void queryClient.invalidateQueries(trpc.slo.list.pathFilter());
      }
    } catch (err) {
      setReport(null);
      setIssues(issuesOf(err));
      setFormError(errorMessage(err));
    }
  };

  // Import is offered only for exactly what the dry run checked.
  const checked = report !== null && report.text === text && report.service === service;

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Import SLOs from OpenSLO YAML"
      testId="openslo-import-dialog"
      actions={
        done ? (
          <button type="button" className="btn btn-primary" onClick={close} data-autofocus>
            Done
          </button>
        ) : (
          <>
            <button type="button" className="btn" onClick={close}>
              Cancel
            </button>
            <button type="button" className={checked ? "btn" : "btn btn-primary"} onClick={() => void submit(true)} disabled={run.isPending || text.trim() === ""} data-testid="openslo-dry-run">
              {run.isPending && !checked ? <span className="spinner" aria-hidden="true" /> : null}
              Check (dry run)
            </button>
            <button type="button" className="btn btn-primary" onClick={() => void submit(false)} disabled={run.isPending || !checked} data-testid="openslo-import" title={checked ? undefined : "Run the dry run first"}>
              {run.isPending && checked ? <span className="spinner" aria-hidden="true" /> : null}
              Import
            </button>
          </>
        )
      }
    >
      <div className={styles.importBody}>
        {done ? (
          <div className="alert alert-ok" role="status" data-testid="openslo-import-done">
            <IconCheckCircle />
            <span>
              Imported: {done.slos.filter((s) => s.action === "create").length} created, {done.slos.filter((s) => s.action === "update").length} updated.
            </span>
          </div>
        ) : (
          <>
            <p className="muted">
              <code>kind: SLO</code> documents (with inline or referenced <code>kind: SLI</code>), separated by <code>---</code>. An SLO with an existing key is updated.
              Fields Bulwark does not model are listed, not silently dropped. If any document is invalid, nothing is saved.
            </p>
            <FormError message={formError} testId="openslo-import-error" />
            {issues.length > 0 ? (
              <ul className={styles.issues} data-testid="openslo-import-issues">
                {issues.map((e, i) => (
                  <li key={i}>
                    {e.where ? <code>{e.where}</code> : null}
                    {e.where ? ": " : null}
                    {e.message}
                  </li>
                ))}
              </ul>
            ) : null}
            {checked ? <ReportView report={report.report} /> : null}
            <label className="label" htmlFor="openslo-text">
              OpenSLO YAML
            </label>
            <textarea
              id="openslo-text"
              className={`input ${styles.yaml}`}
              spellCheck={false}
              placeholder={example}
              value={text}
              onChange={(e) => setText(e.target.value)}
              data-autofocus
              data-testid="openslo-text"
            />
            <div className="row" style={{ flexWrap: "wrap" }}>
              <label className={`btn btn-sm ${styles.fileButton}`}>
                <input
                  type="file"
                  accept=".yaml,.yml,application/yaml,text/yaml,text/plain"
                  className="sr-only"
                  data-testid="openslo-file"
                  onChange={async (e) => {
                    const f = e.target.files?.[0];
                    if (f) setText(await f.text());
                    e.target.value = "";
                  }}
                />
                Choose a file…
              </label>
              <span className="spacer" />
              <label className="row" style={{ gap: 6 }} htmlFor="openslo-service">
                <span className="muted nowrap">Service for SLOs that name none</span>
                <input id="openslo-service" className="input" style={{ width: 180 }} placeholder="optional" value={service} onChange={(e) => setService(e.target.value)} />
              </label>
            </div>
          </>
        )}
      </div>
    </Dialog>
  );
}

function ReportView({ report }: { report: ImportReportData }) {
  return (
    <div className={styles.report} data-testid="openslo-dry-run-report">
      <div className="alert alert-ok" role="status">
        <IconCheckCircle />
        <span>
          Dry run passed: {report.slos.length} SLO{report.slos.length === 1 ? "" : "s"} would be saved. Nothing has been written yet.
        </span>
      </div>
      <ul className={styles.reportList}>
        {report.slos.map((s) => (
          <li key={s.key} data-testid="openslo-dry-run-slo">
            <span className={s.action === "create" ? "badge badge-ok" : "badge badge-accent"}>{s.action === "create" ? "create" : "update"}</span>
            <strong>{s.name}</strong> <span className="mono faint">{s.key}</span>
          </li>
        ))}
      </ul>
      {report.unsupported.length > 0 ? (
        <div className="alert alert-warn" data-testid="openslo-unsupported">
          <IconInfo />
          <div>
            <strong>Not imported ({report.unsupported.length}):</strong> Bulwark does not model these fields; they will not be saved.
            <ul className={styles.reportList}>
              {report.unsupported.map((u, i) => (
                <li key={i}>
                  <span className="faint">Document {u.document + 1}</span> <code>{u.path}</code> — {u.note}
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
    </div>
  );
}
