import { IconAlert, IconCheckCircle, IconXCircle } from "@/components/ui/icons";
import { DetailsList } from "./details";
import { formatLatency } from "./format";
import type { ProbeResultView } from "./types";

/** One probe result, as "Test now" returns it: nothing is saved. */
export function ProbeResultPanel({ result, onDismiss }: { result: ProbeResultView; onDismiss?: () => void }) {
  const tone = !result.ok ? "bad" : result.warning ? "warn" : "ok";
  const Icon = tone === "bad" ? IconXCircle : tone === "warn" ? IconAlert : IconCheckCircle;
  const title = tone === "bad" ? "Check failed" : tone === "warn" ? "Check passed with a warning" : "Check passed";
  return (
    <div className={`alert alert-${tone}`} role="status" data-testid="test-result" data-ok={result.ok} style={{ flexDirection: "column", alignItems: "stretch", gap: 8 }}>
      <div className="row" style={{ gap: 8 }}>
        <Icon />
        <strong>{title}</strong>
        <span className="muted num">{result.latencyMs == null ? "" : `in ${formatLatency(result.latencyMs)}`}</span>
        <span className="spacer" />
        {onDismiss ? (
          <button type="button" className="btn btn-sm btn-ghost" onClick={onDismiss}>
            Dismiss
          </button>
        ) : null}
      </div>
      <p data-testid="test-result-message">{result.message}</p>
      {result.warning ? (
        <p>
          <strong>Warning:</strong> {result.warning}
        </p>
      ) : null}
      <DetailsList details={result.details} />
      <p className="hint">A one-off check with the settings shown; nothing was saved or recorded.</p>
    </div>
  );
}
