import { positionGap } from "./positions";
import type { OperationKindName, OperationState, WriteProbeReport } from "./types";

export type Figures = {
  writeUnavailableMs: number | null;
  lostAckedWrites: number | null;
  probeWrites: number | null;
  rtoMs: number | null;
  lsnGapBytes: number | null;
};

const ms = (iso: unknown): number | null => {
  if (typeof iso !== "string") return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

/**
 * The measured figures of a finished run.
 * - switchover RTO: the probe's write-unavailability when probed, else
 *   promotion − start of the first fence step (writes stop at the fence).
 * - failover RTO: writable again (the probe's first ack after its gap, else
 *   the promotion) − when the primary was last seen writable (else the
 *   operation's start).
 * - LSN gap: what the old primary had that the candidate had not when promoted.
 */
export function computeFigures(a: {
  kind: OperationKindName;
  state: OperationState;
  report: WriteProbeReport | null;
  startedAt: Date;
  fenceStartedAt: Date | null;
}): Figures {
  const { kind, state, report } = a;
  const promotedAt = ms(state.promotedAt);
  let rtoMs: number | null = null;
  if (kind === "switchover") {
    if (report) rtoMs = report.unavailableMs;
    else if (promotedAt !== null && a.fenceStartedAt) rtoMs = Math.max(0, promotedAt - a.fenceStartedAt.getTime());
  } else {
    const writableAgain = report?.gapEndedAt?.getTime() ?? promotedAt;
    const lostAt = ms(state.primaryLostAt) ?? a.startedAt.getTime();
    if (writableAgain !== null) rtoMs = Math.max(0, writableAgain - lostAt);
  }
  return {
    writeUnavailableMs: report ? Math.round(report.unavailableMs) : null,
    lostAckedWrites: report ? report.lostAcked : null,
    probeWrites: report ? report.acked : null,
    rtoMs: rtoMs === null ? null : Math.round(rtoMs),
    lsnGapBytes: positionGap(typeof state.oldPrimaryPosition === "string" ? state.oldPrimaryPosition : null, typeof state.candidatePositionAtPromote === "string" ? state.candidatePositionAtPromote : null),
  };
}
