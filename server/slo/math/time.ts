/**
 * Millisecond constants and UTC flooring shared by the SLO math. Everything in
 * `server/slo/math` works in UTC epoch milliseconds internally and exchanges
 * `Date`s at its edges; no local time zone ever enters a computation.
 */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Start of the minute/hour/day (UTC) containing `ms`. Days are fixed 24 h because UTC has no DST. */
export const floorTo = (ms: number, unitMs: number): number => Math.floor(ms / unitMs) * unitMs;
/** Smallest unit boundary at or after `ms`. */
export const ceilTo = (ms: number, unitMs: number): number => Math.ceil(ms / unitMs) * unitMs;

/** A half-open time range [start, end). */
export interface TimeRange {
  start: Date;
  end: Date;
}
