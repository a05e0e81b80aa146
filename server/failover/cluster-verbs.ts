import { sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { type VerbCtx, mutation } from "../core/verb";
import { AppError } from "../errors";
import { sealClusterSecrets } from "./cluster-secrets";
import { isUniqueViolation } from "./pg-errors";
import { clusterDetail } from "./queries";
import { type ClusterInputParsed, clusterIdInput, clusterInput, updateClusterInput } from "./schemas";
import type { ClusterDetail } from "./types";

type Args = { ctx: VerbCtx; input: unknown };


const nameTaken = (name: string) =>
  new AppError("CONFLICT", `A cluster named ${name} already exists`, { fieldErrors: { name: [`A cluster named ${name} already exists`] } });

async function serviceMustExist(tx: Tx, serviceId: string | null): Promise<void> {
  if (!serviceId) return;
  const rows = await tx.execute<{ id: string }>(sql`select id from services where id = ${serviceId}`);
  if (rows.length === 0) throw new AppError("NOT_FOUND", `Service ${serviceId} not found`, { fieldErrors: { serviceId: ["No such service"] } });
}

async function nameMustBeFree(tx: Tx, name: string, exceptId: string | null): Promise<void> {
  const rows = await tx.execute<{ id: string }>(sql`select id from clusters where lower(name) = lower(${name}) and (${exceptId}::uuid is null or id <> ${exceptId}::uuid)`);
  if (rows.length) throw nameTaken(name);
}

/** The verb body, with a name race turned into the same CONFLICT the pre-check gives. */
async function withNameConflict<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isUniqueViolation(err, "clusters_name_idx")) throw nameTaken(name);
    throw err;
  }
}

const auditDetails = (c: ClusterInputParsed) => ({ name: c.name, adapter: c.adapter, serviceId: c.serviceId, maxLagBytes: c.maxLagBytes });

export async function createCluster({ ctx, input }: Args): Promise<ClusterDetail> {
  const name = typeof (input as { name?: unknown })?.name === "string" ? String((input as { name: string }).name).trim() : "";
  const id = await withNameConflict(name, () =>
    mutation(ctx, { role: "admin", schema: clusterInput, input }, async ({ tx, input, audit, emit }) => {
      await nameMustBeFree(tx, input.name, null);
      await serviceMustExist(tx, input.serviceId);
      const config = sealClusterSecrets(input.config);
      const [row] = await tx.execute<{ id: string }>(sql`
        insert into clusters (name, description, adapter, config, service_id, max_lag_bytes)
        values (${input.name}, ${input.description}, ${input.adapter}, ${JSON.stringify(config)}::text::jsonb, ${input.serviceId}, ${input.maxLagBytes})
        returning id`);
      if (!row) throw new Error("cluster insert returned no row");
      await audit({ action: "cluster.create", targetType: "cluster", targetId: row.id, details: auditDetails(input) });
      await emit({ type: "cluster.created", topic: `cluster:${row.id}`, payload: { clusterId: row.id } });
      return row.id;
    }),
  );
  return clusterDetail(ctx.db, id);
}

export async function updateCluster({ ctx, input }: Args): Promise<ClusterDetail> {
  const name = typeof (input as { name?: unknown })?.name === "string" ? String((input as { name: string }).name).trim() : "";
  const id = await withNameConflict(name, () =>
    mutation(ctx, { role: "admin", schema: updateClusterInput, input }, async ({ tx, input, audit, emit }) => {
      const [prev] = await tx.execute<{ adapter: string; config: Record<string, unknown> }>(sql`select adapter::text as adapter, config from clusters where id = ${input.id} for update`);
      if (!prev) throw new AppError("NOT_FOUND", `Cluster ${input.id} not found`);
      if (prev.adapter !== input.adapter) {
        // drivers keep per-adapter state (and operations history refers to it): a new adapter is a new cluster
        throw new AppError("BAD_REQUEST", `The adapter cannot be changed (this cluster uses ${prev.adapter}); create a new cluster instead`, { fieldErrors: { adapter: ["The adapter cannot be changed"] } });
      }
      await nameMustBeFree(tx, input.name, input.id);
      await serviceMustExist(tx, input.serviceId);
      const config = sealClusterSecrets(input.config, prev.config);
      await tx.execute(sql`
        update clusters set name = ${input.name}, description = ${input.description}, config = ${JSON.stringify(config)}::text::jsonb,
          service_id = ${input.serviceId}, max_lag_bytes = ${input.maxLagBytes}, updated_at = now()
        where id = ${input.id}`);
      await audit({ action: "cluster.update", targetType: "cluster", targetId: input.id, details: auditDetails(input) });
      await emit({ type: "cluster.updated", topic: `cluster:${input.id}`, payload: { clusterId: input.id } });
      return input.id;
    }),
  );
  return clusterDetail(ctx.db, id);
}

export async function deleteCluster({ ctx, input }: Args): Promise<{ id: string }> {
  return mutation(ctx, { role: "admin", schema: clusterIdInput, input }, async ({ tx, input, audit, emit }) => {
    const [c] = await tx.execute<{ name: string; active: string | null; ops: number }>(sql`
      select name,
        (select id::text from operations where cluster_id = c.id and status in ('scheduled', 'pending', 'running', 'needs_attention') limit 1) as active,
        (select count(*)::int from operations where cluster_id = c.id) as ops
      from clusters c where id = ${input.id} for update`);
    if (!c) throw new AppError("NOT_FOUND", `Cluster ${input.id} not found`);
    if (c.active) throw new AppError("CONFLICT", `Operation ${c.active} is active on ${c.name}; cancel or resolve it first`, { details: { operationId: c.active } });
    if (c.ops > 0) {
      throw new AppError("CONFLICT", `${c.name} has ${c.ops} operation${c.ops === 1 ? "" : "s"} in its history, which is kept; a cluster with operations cannot be deleted`);
    }
    await tx.execute(sql`delete from clusters where id = ${input.id}`);
    await audit({ action: "cluster.delete", targetType: "cluster", targetId: input.id, details: { name: c.name } });
    await emit({ type: "cluster.deleted", topic: `cluster:${input.id}`, payload: { clusterId: input.id } });
    return { id: input.id };
  });
}
