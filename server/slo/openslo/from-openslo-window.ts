/**
 * OpenSLO timeWindow → Bulwark window. Rolling windows are whole days (Nd, Nw,
 * or hours in multiples of 24); calendar windows are 1w, 1M or 1Q in UTC,
 * starting at the period boundary (Monday, the 1st, the quarter's 1st).
 */
import type { ImportFindings } from "./import-findings";
import { KNOWN_CALENDAR, KNOWN_TIME_WINDOW, type OpenSloTimeWindow } from "./openslo-schema";

const UTC_ZONES = new Set(["utc", "etc/utc", "gmt", "etc/gmt", "z", "zulu", "universal", "etc/universal", "etc/zulu", "etc/gmt+0", "etc/gmt-0", "gmt0", "etc/gmt0"]);

export function windowOf(f: ImportFindings, doc: number, tw: OpenSloTimeWindow): Record<string, unknown> | null {
  const path = "spec.timeWindow.0";
  f.extras(doc, tw, KNOWN_TIME_WINDOW, path);
  const n = Number(tw.duration.slice(0, -1));
  const unit = tw.duration.slice(-1);
  const rolling = tw.isRolling ?? tw.calendar === undefined;
  if (rolling) {
    if (tw.calendar !== undefined) {
      f.error(doc, `${path}.calendar`, "A rolling window has no calendar: set isRolling: false for a calendar window, or drop calendar");
      return null;
    }
    const days = unit === "d" ? n : unit === "w" ? n * 7 : unit === "h" && n % 24 === 0 ? n / 24 : null;
    if (days === null) {
      f.error(doc, `${path}.duration`, `Rolling windows are whole days or weeks (e.g. 7d, 28d, 4w); ${tw.duration} is not supported`);
      return null;
    }
    return { kind: "rolling", days };
  }
  const calendarUnit = tw.duration === "1w" ? "week" : tw.duration === "1M" ? "month" : tw.duration === "1Q" ? "quarter" : null;
  if (calendarUnit === null) {
    f.error(doc, `${path}.duration`, `Calendar windows are 1w, 1M or 1Q; ${tw.duration} is not supported`);
    return null;
  }
  const cal = tw.calendar;
  f.extras(doc, cal, KNOWN_CALENDAR, `${path}.calendar`);
  if (cal?.timeZone !== undefined && !UTC_ZONES.has(cal.timeZone.trim().toLowerCase())) {
    f.error(doc, `${path}.calendar.timeZone`, `Bulwark calendar windows are in UTC; time zone ${cal.timeZone} is not supported`);
    return null;
  }
  if (cal?.startTime !== undefined && !alignedStart(cal.startTime, calendarUnit)) {
    f.note(doc, `${path}.calendar.startTime`, "Bulwark calendar windows start at the UTC period boundary (Monday 00:00, the 1st of the month, the 1st of Jan/Apr/Jul/Oct); this start time was not used");
  }
  return { kind: "calendar", unit: calendarUnit };
}

function alignedStart(start: string | Date, unit: "week" | "month" | "quarter"): boolean {
  const d = start instanceof Date ? start : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(start) ? start.replace(" ", "T") : `${start.replace(" ", "T")}Z`);
  if (Number.isNaN(d.getTime())) return false;
  if (d.getUTCHours() !== 0 || d.getUTCMinutes() !== 0 || d.getUTCSeconds() !== 0) return false;
  if (unit === "week") return d.getUTCDay() === 1;
  return d.getUTCDate() === 1 && (unit === "month" || d.getUTCMonth() % 3 === 0);
}
