/**
 * Which error-budget policy applies to an SLO, and which of its tiers is in
 * effect. Shared by the evaluator (records tier changes) and the deploy gate
 * (answers from the same rule, so the two never disagree).
 */
import type { Sql, TransactionSql } from "postgres";
import { type PolicyTier, policyTiers } from "./schemas";

export interface AppliedPolicy {
  policyId: string;
  policyName: string;
  tiers: PolicyTier[];
}

/**
 * The strictest tier whose threshold the remaining budget is below. `below: 0`
 * means "exhausted" and applies at remaining ≤ 0; other tiers apply at
 * remaining < below. No data (null) puts no tier in effect: a budget nobody
 * can measure must not freeze deploys, and the SLO's "no data" state says so.
 */
export function tierInEffect(tiers: readonly PolicyTier[], remaining: number | null): PolicyTier | null {
  if (remaining === null) return null;
  let best: PolicyTier | null = null;
  for (const t of tiers) {
    const applies = t.below === 0 ? remaining <= 0 : remaining < t.below;
    if (applies && (best === null || t.below < best.below)) best = t;
  }
  return best;
}

/** Policy per SLO id: one attached to the SLO itself wins over its service's. */
export async function policiesBySlo(sql: Sql | TransactionSql, sloIds?: readonly string[]): Promise<Map<string, AppliedPolicy>> {
  const rows = await sql<{ slo_id: string; policy_id: string; name: string; tiers: unknown; own: boolean }[]>`
    select s.id as slo_id, p.id as policy_id, p.name, p.tiers, (p.slo_id is not null) as own
    from slos s
    join error_budget_policies p on p.slo_id = s.id or (p.slo_id is null and p.service_id = s.service_id)
    ${sloIds ? sql`where s.id = any(${sloIds as string[]}::uuid[])` : sql``}
    order by s.id, own desc, p.updated_at desc`;
  const out = new Map<string, AppliedPolicy>();
  for (const r of rows) {
    if (out.has(r.slo_id)) continue;
    const tiers = policyTiers.safeParse(r.tiers);
    if (!tiers.success) continue; // written through the schema; a hand-edited row is ignored, not fatal
    out.set(r.slo_id, { policyId: r.policy_id, policyName: r.name, tiers: tiers.data });
  }
  return out;
}
