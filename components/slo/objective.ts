/**
 * The custom objective on the SLA tiers page: typed as a percentage
 * ("99.975", "99.975 %", "99,975"), kept in the URL as `?objective=99.975`,
 * used as a fraction (0.99975) by server/slo/math/sla-tiers.ts.
 */
export type ParsedObjective = { ok: true; objective: number } | { ok: false; error: string };

const NUMBER = /^-?(?:[0-9]*\.?[0-9]+|[0-9]+\.)$/;

/** null for an empty field: no custom row and no error. */
export function parseObjectivePercent(text: string): ParsedObjective | null {
  const t = text.trim().replace(/\s*%$/, "").replace(",", ".").trim();
  if (t === "") return null;
  if (!NUMBER.test(t)) return { ok: false, error: "Enter the objective as a percentage, for example 99.975." };
  const percent = Number(t);
  if (!(percent > 0 && percent < 100)) return { ok: false, error: "The objective must be greater than 0% and less than 100%." };
  // 99.975 / 100 is 0.9997500000000001; 1 − that is what the math sees, so round away the float noise.
  return { ok: true, objective: Number((percent / 100).toPrecision(12)) };
}

/** 0.999 → "99.9%", 0.99975 → "99.975%". */
export function formatObjectivePercent(objective: number): string {
  return `${Number((objective * 100).toPrecision(12))}%`;
}
