/**
 * The monthly SLO report as CSV (RFC 4180) and Markdown.
 *
 * CSV is for spreadsheets and scripts: one header row, CRLF line ends, fields
 * quoted when they hold a comma, quote or line break; percentages are plain
 * numbers with 4 decimals (99.9000), empty cells mean "no data". Text cells
 * that a spreadsheet would run as a formula (=, +, -, @ first) get a leading
 * apostrophe (OWASP "CSV injection").
 * Markdown is for pasting into a review: a heading, a sentence of totals and
 * one table row per SLO.
 */
import type { ReportRow, ServiceReport } from "./types";

const CSV_COLUMNS = [
  "service",
  "month",
  "slo_key",
  "slo_name",
  "objective_pct",
  "sli_pct",
  "met",
  "good",
  "total",
  "budget_consumed_pct",
  "worst_day",
  "worst_day_sli_pct",
  "adjustments",
  "breaches",
] as const;

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const csvText = (value: string): string => csvField(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
const pct4 = (ratio: number | null): string => (ratio === null ? "" : (ratio * 100).toFixed(4));
const count = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(4));
const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

export function reportCsv(report: ServiceReport): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of report.rows) {
    lines.push(
      [
        csvText(report.service.name),
        report.month,
        csvText(r.key),
        csvText(r.name),
        pct4(r.objective),
        pct4(r.sli),
        r.met === null ? "" : String(r.met),
        count(r.good),
        count(r.total),
        pct4(r.consumed),
        r.worstDay ? isoDay(r.worstDay.day) : "",
        r.worstDay ? pct4(r.worstDay.sli) : "",
        String(r.adjustments),
        String(r.breaches),
      ].join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** A percentage for people: up to 3 decimals, and never "100 %" for something short of it. */
export function percent(ratio: number): string {
  let digits = 3;
  let s = (ratio * 100).toFixed(digits);
  while (ratio < 1 && Number(s) >= 100 && digits < 8) s = (ratio * 100).toFixed(++digits);
  return `${s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s} %`;
}

/** Text inside a table cell: no line breaks, pipes and Markdown/HTML syntax escaped. */
export function mdText(s: string): string {
  return s
    .replace(/\r?\n|\r/g, " ")
    .replace(/([\\`*_[\]|#])/g, "\\$1")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

function mdRow(r: ReportRow): string {
  const cells = [
    `${mdText(r.name)} (${mdText(r.key)})`,
    percent(r.objective),
    r.sli === null ? "no data" : percent(r.sli),
    r.met === null ? "–" : r.met ? "yes" : "**no**",
    r.consumed === null ? "–" : percent(r.consumed),
    r.worstDay ? `${isoDay(r.worstDay.day)} (${percent(r.worstDay.sli)})` : "–",
    String(r.adjustments),
    String(r.breaches),
  ];
  return `| ${cells.join(" | ")} |`;
}

const monthName = (start: Date): string => start.toLocaleString("en-US", { month: "long", year: "numeric", timeZone: "UTC" });

export function reportMarkdown(report: ServiceReport): string {
  const met = report.rows.filter((r) => r.met === true).length;
  const missed = report.rows.filter((r) => r.met === false).length;
  const noData = report.rows.filter((r) => r.met === null).length;
  const n = report.rows.length;
  const lines = [
    `# SLO report: ${mdText(report.service.name)}, ${monthName(report.start)}`,
    "",
    `UTC month from ${isoDay(report.start)} to ${isoDay(report.end)} (exclusive). ` +
      `${n} SLO${n === 1 ? "" : "s"}: ${met} met ${met === 1 ? "its" : "their"} objective, ${missed} missed, ${noData} without data. ` +
      "Time excluded by budget adjustments is left out of the figures; budget consumed is sized on the whole month.",
    "",
  ];
  if (n === 0) lines.push("This service has no SLOs.");
  else {
    lines.push("| SLO | Objective | SLI | Met | Budget consumed | Worst day | Adjustments | Breaches |");
    lines.push("| --- | ---: | ---: | :---: | ---: | --- | ---: | ---: |");
    for (const r of report.rows) lines.push(mdRow(r));
  }
  return `${lines.join("\n")}\n`;
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "service"
  );
}

export const reportFilename = (report: Pick<ServiceReport, "service" | "month">, ext: "csv" | "md"): string => `slo-report-${slug(report.service.name)}-${report.month}.${ext}`;
