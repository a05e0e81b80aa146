/**
 * SLO windows. Rolling windows end at the current whole minute and reach back
 * N days; calendar windows are the UTC week (Monday 00:00), month or quarter
 * containing `now`.
 *
 * Why these choices:
 * - Rolling windows are minute-aligned (`now` floored) so they line up with the
 *   per-minute buckets; the minute in progress is left out because it is partial.
 * - Calendar windows report the *whole* period ([period start, next period
 *   start)) and its full length in minutes, because a calendar SLO's budget is
 *   sized on the whole period (99.9 % of a 31-day month is 44.64 min, not a
 *   fraction of the days elapsed). `elapsedMinutes` says how much of it is past.
 * - Month and quarter boundaries come from `Date.UTC`, which knows month
 *   lengths and leap years, instead of day arithmetic.
 */
import { AppError } from "@/server/errors";
import { DAY_MS, MINUTE_MS, floorTo } from "./time";

export type CalendarUnit = "week" | "month" | "quarter";

export type WindowSpec = { kind: "rolling"; days: number } | { kind: "calendar"; unit: CalendarUnit };

export interface SloWindow {
  start: Date;
  /** Exclusive. For a rolling window: `now` floored to the minute; for a calendar window: the next period's start. */
  end: Date;
  /** Length of [start, end) in minutes — the budget base for time-slice SLOs. */
  minutes: number;
  /** Minutes of the window already past at `now` (= `minutes` for rolling windows). */
  elapsedMinutes: number;
}

/** Longest rolling window accepted; a year is plenty and bounds the read cost. */
export const MAX_ROLLING_DAYS = 366;

function assertValidDate(now: Date): void {
  if (Number.isNaN(now.getTime())) throw new AppError("BAD_REQUEST", "now is not a valid date");
}

export function rollingWindow(now: Date, days: number): SloWindow {
  assertValidDate(now);
  if (!Number.isInteger(days) || days < 1 || days > MAX_ROLLING_DAYS) {
    throw new AppError("BAD_REQUEST", `A rolling window must be a whole number of days from 1 to ${MAX_ROLLING_DAYS}`, {
      fieldErrors: { days: [`must be an integer from 1 to ${MAX_ROLLING_DAYS}, got ${days}`] },
    });
  }
  const end = floorTo(now.getTime(), MINUTE_MS);
  const minutes = days * (DAY_MS / MINUTE_MS);
  return { start: new Date(end - days * DAY_MS), end: new Date(end), minutes, elapsedMinutes: minutes };
}

/** Start (UTC) of the calendar period containing `ms`, and of the one after it. */
function calendarBounds(ms: number, unit: CalendarUnit): { start: number; end: number } {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (unit) {
    case "week": {
      const midnight = Date.UTC(y, m, d.getUTCDate());
      // getUTCDay: Sunday = 0 … Saturday = 6; days since Monday is (day + 6) % 7, so a Sunday goes back 6 days.
      const sinceMonday = (d.getUTCDay() + 6) % 7;
      const start = midnight - sinceMonday * DAY_MS;
      return { start, end: start + 7 * DAY_MS };
    }
    case "month":
      // Date.UTC normalises month 12 to January of the next year.
      return { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
    case "quarter": {
      const q = Math.floor(m / 3) * 3; // Jan, Apr, Jul, Oct
      return { start: Date.UTC(y, q, 1), end: Date.UTC(y, q + 3, 1) };
    }
  }
}

export function calendarWindow(now: Date, unit: CalendarUnit): SloWindow {
  assertValidDate(now);
  const t = now.getTime();
  const { start, end } = calendarBounds(t, unit);
  return {
    start: new Date(start),
    end: new Date(end),
    minutes: (end - start) / MINUTE_MS,
    elapsedMinutes: Math.floor((t - start) / MINUTE_MS),
  };
}

export function resolveWindow(spec: WindowSpec, now: Date): SloWindow {
  return spec.kind === "rolling" ? rollingWindow(now, spec.days) : calendarWindow(now, spec.unit);
}

/**
 * Where the window's reading stops at `now`: the end of a rolling window, or
 * `now` floored to the minute inside a calendar period (its future minutes have
 * no data yet). Use this, not `end`, to read buckets.
 */
export function dataEnd(window: SloWindow): Date {
  return new Date(window.start.getTime() + window.elapsedMinutes * MINUTE_MS);
}
