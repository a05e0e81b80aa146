import { emptyHistogram, record, toPgArrayLiteral } from "../latency-histogram";

const MINUTE = 60_000;

/** One finished (or flushed-early) per-minute bucket for probe_rollups_1m. */
export type RollupRow = { componentId: string; minute: number; checks: number; failures: number; hist: Int32Array; maintenance: boolean };

type Acc = RollupRow;

/**
 * Folds each result into an in-memory accumulator per (component, minute).
 * A component's minute is done when a result for a later minute arrives, or
 * when the minute is over by `graceMs` (long intervals); done minutes are
 * handed to the batch writer, which upserts them with merge
 * (`checks + excluded.checks`, `hist_add`), so a minute split between two
 * flushes — or two workers around a handover — still adds up.
 */
export class RollupAccumulator {
  private current = new Map<string, Acc>();
  private done = new Map<string, Acc>();

  constructor(private readonly graceMs = 5_000) {}

  add(componentId: string, at: number, ok: boolean, latencyMs: number | null, maintenance: boolean): void {
    const minute = at - (at % MINUTE);
    let acc = this.current.get(componentId);
    if (acc && acc.minute !== minute) {
      if (minute < acc.minute) {
        // A result for an earlier minute (a slow check finishing late): its own row.
        this.finish({ componentId, minute, checks: 0, failures: 0, hist: emptyHistogram(), maintenance: false }, ok, latencyMs, maintenance);
        return;
      }
      this.pushDone(acc);
      acc = undefined;
    }
    if (!acc) {
      acc = { componentId, minute, checks: 0, failures: 0, hist: emptyHistogram(), maintenance: false };
      this.current.set(componentId, acc);
    }
    fold(acc, ok, latencyMs, maintenance);
  }

  /** Minutes ready to write: finished ones, plus every open one when `all` (shutdown, shard release). */
  take(now: number, opts: { all?: boolean; componentIds?: ReadonlySet<string> } = {}): RollupRow[] {
    for (const [id, acc] of this.current) {
      const selected = opts.componentIds ? opts.componentIds.has(id) : opts.all;
      if (selected || acc.minute + MINUTE + this.graceMs <= now) {
        this.current.delete(id);
        this.pushDone(acc);
      }
    }
    const rows = [...this.done.values()];
    this.done.clear();
    return rows;
  }

  /** Puts rows back after a failed write, merged with anything that finished meanwhile. */
  restore(rows: readonly RollupRow[]): void {
    for (const r of rows) this.pushDone(r);
  }

  get pending(): number {
    return this.current.size + this.done.size;
  }

  private finish(acc: Acc, ok: boolean, latencyMs: number | null, maintenance: boolean): void {
    fold(acc, ok, latencyMs, maintenance);
    this.pushDone(acc);
  }

  private pushDone(acc: Acc): void {
    const key = `${acc.componentId}|${acc.minute}`;
    const prev = this.done.get(key);
    if (!prev) {
      this.done.set(key, acc);
      return;
    }
    prev.checks += acc.checks;
    prev.failures += acc.failures;
    prev.maintenance ||= acc.maintenance;
    for (let i = 0; i < acc.hist.length; i++) prev.hist[i] = (prev.hist[i] ?? 0) + (acc.hist[i] ?? 0);
  }
}

function fold(acc: Acc, ok: boolean, latencyMs: number | null, maintenance: boolean): void {
  acc.checks += 1;
  if (!ok) acc.failures += 1;
  // Latency of successful checks only: a timeout's 5 s says nothing about how fast the service answers.
  if (ok && latencyMs != null) record(acc.hist, latencyMs);
  if (maintenance) acc.maintenance = true;
}

/** Column arrays for one `unnest` upsert. */
export function rollupColumns(rows: readonly RollupRow[]) {
  return {
    ids: rows.map((r) => r.componentId),
    minutes: rows.map((r) => r.minute),
    checks: rows.map((r) => r.checks),
    failures: rows.map((r) => r.failures),
    hists: rows.map((r) => toPgArrayLiteral(r.hist)),
    maintenance: rows.map((r) => r.maintenance),
  };
}
