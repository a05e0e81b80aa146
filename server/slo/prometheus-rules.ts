/**
 * Prometheus rules for an SLO with a Prometheus SLI, so a team can alert from
 * its own Prometheus with the same multi-window, multi-burn-rate rules the
 * Bulwark evaluator applies (server/slo/math/burn-alerts.ts, with the SLO's
 * overrides and thresholds scaled to its window).
 *
 * Recording rules `slo:sli_error:ratio_rate<W>` (label `slo="<key>"`) hold the
 * error ratio over each alert window W; alerting rules compare a long and a
 * short window against `threshold × (1 − objective)`.
 *
 * Query convention. Bulwark evaluates goodQuery/totalQuery once a minute and
 * expects that minute's count, so they are written with a one-minute range,
 * e.g. `sum(increase(http_requests_total{code!~"5.."}[1m]))`.
 * - Occurrences: every `[1m]` (or `[60s]`) is widened to `[W]`, which turns
 *   the per-minute count into the count over W. A query without one cannot be
 *   widened; it is summed minute by minute with a subquery,
 *   `sum_over_time((q)[W:1m])`, and the file says so in its header.
 * - Timeslices / RatioTimeslices: the queries are kept per minute and averaged
 *   over W with a subquery, as Bulwark does: a minute counts when it has data
 *   (total > 0), and is good when good/total ≥ the time-slice target
 *   (Timeslices) or contributes its ratio (RatioTimeslices).
 * Calendar windows have no fixed length; thresholds use 7, 30 and 90 days for
 * week, month and quarter. The low-traffic guard is not exported.
 */
import { eq } from "drizzle-orm";
import { Document } from "yaml";
import type { Db } from "@/db/client";
import { services, slos } from "@/db/schema";
import { AppError } from "../errors";
import { alertWindowsNeeded, effectiveRules, type ScaledRule, windowLabel } from "./math/burn-alerts";
import type { WindowSpecInput } from "./schemas";
import { toDefinition } from "./slo-row";
import type { SloDefinition } from "./types";

const DAY_MINUTES = 1440;
const CALENDAR_DAYS = { week: 7, month: 30, quarter: 90 } as const;
const ONE_MINUTE_RANGE = /\[(?:1m|60s)\]/g;

type PrometheusSli = Extract<SloDefinition["sli"], { source: "prometheus" }>;
type RuleSlo = Pick<SloDefinition, "key" | "name" | "serviceName" | "objective" | "window" | "budgetingMethod" | "timesliceTarget" | "alerting"> & { sli: SloDefinition["sli"] };

/** Minutes the thresholds are scaled to: the rolling length, or the nominal calendar period. */
export function ruleWindowMinutes(w: WindowSpecInput): number {
  return (w.kind === "rolling" ? w.days : CALENDAR_DAYS[w.unit]) * DAY_MINUTES;
}

/** Short decimal for rule text: 1 − 0.999 is 0.0010000000000000009 in floating point, and 0.001 in a rule. */
export const num = (x: number): string => String(Number.parseFloat(x.toPrecision(12)));

const hasMinuteRange = (q: string): boolean => q.search(ONE_MINUTE_RANGE) !== -1;

function countOver(query: string, w: string): string {
  return hasMinuteRange(query) ? query.replace(ONE_MINUTE_RANGE, `[${w}]`) : `sum_over_time((${query})[${w}:1m])`;
}

/** Error ratio over window `w` (a Prometheus duration such as 5m, 1h, 3d). */
export function errorRatioExpr(slo: RuleSlo & { sli: PrometheusSli }, w: string): string {
  const { goodQuery: good, totalQuery: total } = slo.sli;
  const minuteRatio = `(${good}) / ((${total}) > 0)`;
  switch (slo.budgetingMethod) {
    case "occurrences":
      return `1 - ((${countOver(good, w)}) / (${countOver(total, w)}))`;
    case "timeslices":
      return `1 - avg_over_time(((${minuteRatio}) >= bool ${num(slo.timesliceTarget ?? 1)})[${w}:1m])`;
    case "ratio_timeslices":
      return `1 - avg_over_time((${minuteRatio})[${w}:1m])`;
  }
}

const recordName = (minutes: number) => `slo:sli_error:ratio_rate${windowLabel(minutes)}`;

function alertRule(slo: RuleSlo, rule: ScaledRule, windowMinutes: number) {
  const budget = num(1 - slo.objective);
  const bound = `(${num(rule.threshold)} * ${budget})`;
  const sel = `{slo="${slo.key}"}`;
  const long = windowLabel(rule.longWindowMinutes);
  const short = windowLabel(rule.shortWindowMinutes);
  const spent = num(((rule.threshold * rule.longWindowMinutes) / windowMinutes) * 100);
  return {
    alert: "SLOErrorBudgetBurn",
    expr: `${recordName(rule.longWindowMinutes)}${sel} > ${bound} and ${recordName(rule.shortWindowMinutes)}${sel} > ${bound}`,
    labels: { severity: rule.severity, slo: slo.key, service: slo.serviceName, burn_rule: rule.name },
    annotations: {
      summary: `${slo.name}: error budget burning ${num(rule.threshold)}× too fast (${long} and ${short})`,
      description: `The error ratio of ${slo.name} over the last ${long} and ${short} is above ${num(rule.threshold)} × ${budget} (objective ${num(slo.objective * 100)} %): at this rate ${spent} % of the budget goes in ${long}.`,
    },
  };
}

export function buildPrometheusRules(slo: RuleSlo): { yaml: string; filename: string } {
  if (slo.sli.source !== "prometheus") throw new AppError("BAD_REQUEST", "Only Prometheus SLIs can be exported as rules");
  const p = { ...slo, sli: slo.sli };
  const windowMinutes = ruleWindowMinutes(slo.window);
  const rules = effectiveRules({ windowMinutes, overrides: slo.alerting.overrides });
  const windows = alertWindowsNeeded(rules);

  const header = [
    ` Prometheus rules for the SLO "${slo.name}" (${slo.key}) of ${slo.serviceName}, exported by Bulwark.`,
    ` Objective ${num(slo.objective * 100)} % (${slo.budgetingMethod}) over ${slo.window.kind === "rolling" ? `rolling ${slo.window.days} days` : `the calendar ${slo.window.unit}`}; thresholds scaled to ${windowMinutes / DAY_MINUTES} days.`,
    slo.budgetingMethod === "occurrences"
      ? " Error ratio per window: the good and total queries with their [1m] range widened to the window."
      : " Error ratio per window: per-minute good/total averaged over the window with a 1m subquery, as Bulwark counts time slices.",
  ];
  if (slo.budgetingMethod === "occurrences") {
    for (const [name, q] of [["goodQuery", p.sli.goodQuery], ["totalQuery", p.sli.totalQuery]] as const) {
      if (!hasMinuteRange(q)) header.push(` WARNING: ${name} has no [1m] range to widen; it is summed minute by minute (sum_over_time((…)[W:1m])), which is costlier to evaluate.`);
    }
  }
  if (rules.length === 0) header.push(" Every burn rule is disabled or longer than the SLO window: there is nothing to alert on.");
  header.push(" Not exported: the low-traffic guard (minShortWindowEvents); Prometheus alerts however few events there are.");

  const groups: Array<{ name: string; rules: object[] }> = [];
  if (windows.length > 0) {
    groups.push({
      name: `slo-${slo.key}-sli`,
      rules: windows.map((m) => ({ record: recordName(m), expr: errorRatioExpr(p, windowLabel(m)), labels: { slo: slo.key } })),
    });
    groups.push({ name: `slo-${slo.key}-alerts`, rules: rules.map((r) => alertRule(slo, r, windowMinutes)) });
  }
  const doc = new Document({ groups });
  doc.commentBefore = header.join("\n");
  return { yaml: doc.toString({ lineWidth: 0 }), filename: `slo-${slo.key}.rules.yaml` };
}

export async function prometheusRules(db: Db, sloId: string): Promise<{ yaml: string; filename: string }> {
  const [row] = await db.select({ slo: slos, serviceName: services.name }).from(slos).innerJoin(services, eq(services.id, slos.serviceId)).where(eq(slos.id, sloId));
  if (!row) throw new AppError("NOT_FOUND", `SLO ${sloId} not found`);
  return buildPrometheusRules(toDefinition(row.slo, row.serviceName));
}
