import { sql } from "drizzle-orm";
import type { z } from "zod";
import type { Tx } from "@/db/client";
import { type VerbCtx, mutation, parseInput, requireRole } from "../core/verb";
import { AppError } from "../errors";
import { isForeignKeyViolation, isUniqueViolation } from "./pg-errors";
import { evaluatePreflight } from "./preflight";
import { ACTIVE_STATUSES_SQL, operationSummary } from "./queries";
import { failoverInput, operationIdInput, resolveOperationInput, switchoverInput } from "./schemas";
import type { OperationKindName, OperationSummary } from "./types";

type Args = { ctx: VerbCtx; input: unknown };

export const MAX_SCHEDULE_AHEAD_MS = 30 * 24 * 3600_000;

const activeConflict = (operationId: string) =>
  new AppError("CONFLICT", `Another operation is active on this cluster: ${operationId}`, { details: { operationId } });

async function activeOperationId(ctx: VerbCtx, clusterId: string): Promise<string | null> {
  const [row] = await ctx.db.$client.unsafe<{ id: string }[]>(`select id from operations where cluster_id = $1 and status in ${ACTIVE_STATUSES_SQL}`, [clusterId]);
  return row?.id ?? null;
}

type Request = {
  kind: OperationKindName;
  clusterId: string;
  candidate?: string;
  reason: string;
  confirmName: string;
  scheduledAt?: Date;
  overrides: string[];
};

/**
 * Everything is decided before the transaction (the checks read through the
 * pool, and 50 concurrent requests must not each hold a connection while
 * waiting for another); the partial unique index then lets exactly one
 * insert through and the losers get the winner's id.
 */
async function requestOperation<S extends z.ZodType>(ctx: VerbCtx, schema: S, rawInput: unknown, req: Request): Promise<OperationSummary> {
  const [cluster] = await ctx.db.$client<{ name: string }[]>`select name from clusters where id = ${req.clusterId}`;
  if (!cluster) throw new AppError("NOT_FOUND", `Cluster ${req.clusterId} not found`, { fieldErrors: { clusterId: ["No such cluster"] } });
  if (req.confirmName !== cluster.name) {
    throw new AppError("BAD_REQUEST", `Type the cluster's name, ${cluster.name}, to confirm`, { fieldErrors: { confirmName: [`Type ${cluster.name} exactly`] } });
  }
  if (req.scheduledAt) {
    const ahead = req.scheduledAt.getTime() - Date.now();
    if (ahead <= 0) throw new AppError("BAD_REQUEST", "The scheduled time is in the past", { fieldErrors: { scheduledAt: ["Pick a time in the future"] } });
    if (ahead > MAX_SCHEDULE_AHEAD_MS) throw new AppError("BAD_REQUEST", "Schedule at most 30 days ahead", { fieldErrors: { scheduledAt: ["At most 30 days ahead"] } });
  }

  const { preflight, initialState } = await evaluatePreflight(ctx.db, { clusterId: req.clusterId, kind: req.kind, candidate: req.candidate, overrides: req.overrides });
  if (preflight.runningOperationId) throw activeConflict(preflight.runningOperationId);
  if (!preflight.ok || !preflight.candidate) {
    const failed = preflight.checks.filter((c) => !c.ok && !c.overridden);
    const fieldErrors = failed.some((c) => c.id === "candidate_member") ? { candidate: [failed.find((c) => c.id === "candidate_member")!.detail] } : undefined;
    throw new AppError("PRECONDITION_FAILED", `Preflight failed: ${failed.map((c) => `${c.label} (${c.detail})`).join("; ")}`, {
      fieldErrors,
      details: { failed: failed.map((c) => c.id), checks: preflight.checks },
    });
  }
  const candidate = preflight.candidate;
  const applied = preflight.checks.filter((c) => c.overridden).map((c) => c.id);

  let id: string;
  try {
    id = await mutation(ctx, { role: "operator", schema, input: rawInput }, async ({ tx, actor, audit, emit }) => {
      const status = req.scheduledAt ? "scheduled" : "pending";
      const [row] = await tx.execute<{ id: string }>(sql`
        insert into operations (cluster_id, kind, status, reason, requested_by, requested_by_email, from_primary, candidate, scheduled_at,
          preflight, rpo_estimate_bytes, overrides, state)
        values (${req.clusterId}, ${req.kind}, ${status}, ${req.reason}, ${actor.type === "user" ? actor.id : null}, ${actor.type === "user" ? actor.email : null},
          ${preflight.fromPrimary}, ${candidate}, ${req.scheduledAt?.toISOString() ?? null}::timestamptz, ${JSON.stringify(preflight.checks)}::text::jsonb,
          ${preflight.rpoEstimateBytes}, ${`{${applied.join(",")}}`}::text[], ${JSON.stringify(initialState)}::text::jsonb)
        returning id`);
      if (!row) throw new Error("operation insert returned no row");
      await audit({
        action: "operation.requested",
        targetType: "operation",
        targetId: row.id,
        details: {
          clusterId: req.clusterId,
          cluster: cluster.name,
          kind: req.kind,
          candidate,
          fromPrimary: preflight.fromPrimary,
          reason: req.reason,
          scheduledAt: req.scheduledAt?.toISOString() ?? null,
          overrides: applied,
          rpoEstimateBytes: preflight.rpoEstimateBytes,
        },
      });
      await emit({ type: "operation.requested", topic: `cluster:${req.clusterId}`, payload: { operationId: row.id, kind: req.kind, status } });
      if (req.kind === "failover") {
        await emit({ type: "failover.triggered", topic: `cluster:${req.clusterId}`, payload: { operationId: row.id, candidate, fromPrimary: preflight.fromPrimary, rpoEstimateBytes: preflight.rpoEstimateBytes } });
      }
      return row.id;
    });
  } catch (err) {
    if (isUniqueViolation(err, "operations_one_active_per_cluster")) {
      const winner = await activeOperationId(ctx, req.clusterId);
      if (winner) throw activeConflict(winner);
      // the winner finished already (or was cancelled) between our insert and this read
      throw new AppError("CONFLICT", "Another operation was active on this cluster; try again");
    }
    if (isForeignKeyViolation(err)) throw new AppError("NOT_FOUND", `Cluster ${req.clusterId} not found`);
    throw err;
  }
  return operationSummary(ctx.db.$client, id);
}

export async function requestSwitchover({ ctx, input }: Args): Promise<OperationSummary> {
  requireRole(ctx.actor, "operator");
  const i = parseInput(switchoverInput, input);
  return requestOperation(ctx, switchoverInput, input, { kind: "switchover", ...i });
}

export async function requestFailover({ ctx, input }: Args): Promise<OperationSummary> {
  requireRole(ctx.actor, "operator");
  const i = parseInput(failoverInput, input);
  return requestOperation(ctx, failoverInput, input, { kind: "failover", clusterId: i.clusterId, candidate: i.candidate, reason: i.reason, confirmName: i.confirmName, overrides: [] });
}

type OpLock = { id: string; clusterId: string; status: string; kind: string };

async function lockOperation(tx: Tx, id: string): Promise<OpLock> {
  const [op] = await tx.execute<OpLock>(sql`select id, cluster_id as "clusterId", status::text as status, kind::text as kind from operations where id = ${id} for update`);
  if (!op) throw new AppError("NOT_FOUND", `Operation ${id} not found`);
  return op;
}

/**
 * Only an operation no worker has claimed can be cancelled. The row lock makes
 * this exclusive with the runner's claim (which takes only scheduled/pending
 * rows, skipping locked ones), so a cancelled operation never starts.
 */
export async function cancelOperation({ ctx, input }: Args): Promise<OperationSummary> {
  const id = await mutation(ctx, { role: "operator", schema: operationIdInput, input }, async ({ tx, input, audit, emit }) => {
    const op = await lockOperation(tx, input.id);
    if (op.status === "running") throw new AppError("CONFLICT", `Operation ${op.id} is already running; it can no longer be cancelled`, { details: { operationId: op.id, status: op.status } });
    if (op.status !== "scheduled" && op.status !== "pending") {
      throw new AppError("CONFLICT", `Operation ${op.id} is already ${op.status.replace("_", " ")}; only a scheduled or pending operation can be cancelled`, { details: { operationId: op.id, status: op.status } });
    }
    await tx.execute(sql`update operations set status = 'cancelled', finished_at = now(), lease_owner = null, lease_until = null where id = ${op.id}`);
    await audit({ action: "operation.cancelled", targetType: "operation", targetId: op.id, details: { clusterId: op.clusterId, kind: op.kind, was: op.status } });
    await emit({ type: "operation.finished", topic: `cluster:${op.clusterId}`, payload: { operationId: op.id, status: "cancelled" } });
    return op.id;
  });
  return operationSummary(ctx.db.$client, id);
}

/** An admin closes a needs-attention operation after checking the cluster by hand; the note says what was checked. */
export async function resolveOperation({ ctx, input }: Args): Promise<OperationSummary> {
  const id = await mutation(ctx, { role: "admin", schema: resolveOperationInput, input }, async ({ tx, input, actor, audit, emit }) => {
    const op = await lockOperation(tx, input.id);
    if (op.status !== "needs_attention") {
      throw new AppError("CONFLICT", `Operation ${op.id} is ${op.status.replace("_", " ")}, not needs attention`, { details: { operationId: op.id, status: op.status } });
    }
    const resolution = { outcome: input.outcome, note: input.note, by: actor.type === "user" ? actor.email : actor.type, at: new Date().toISOString() };
    await tx.execute(sql`
      update operations set status = ${input.outcome}, finished_at = now(), lease_owner = null, lease_until = null,
        state = state || ${JSON.stringify({ resolution })}::text::jsonb
      where id = ${op.id}`);
    await audit({ action: "operation.resolved", targetType: "operation", targetId: op.id, details: { clusterId: op.clusterId, outcome: input.outcome, note: input.note } });
    await emit({ type: "operation.finished", topic: `cluster:${op.clusterId}`, payload: { operationId: op.id, status: input.outcome, resolved: true } });
    return op.id;
  });
  return operationSummary(ctx.db.$client, id);
}
