import type { Sql } from "postgres";
import type { Db } from "@/db/client";
import { notFound } from "../errors";
import { unsealClusterSecrets } from "./cluster-secrets";
import { type ClusterAdapterName, clusterConfigs } from "./schemas";
import type { ClusterRuntime } from "./types";

export type ClusterRow = {
  id: string;
  name: string;
  adapter: ClusterAdapterName;
  config: Record<string, unknown>;
  maxLagBytes: number;
  updatedAt: Date;
};

/** The columns `runtimeFromRow` needs, for raw SQL selects. */
export const clusterRowColumns = `id, name, adapter::text as adapter, config, max_lag_bytes::float8 as "maxLagBytes", updated_at as "updatedAt"`;

/** Secrets unsealed and the config parsed by its adapter's schema (defaults filled). */
export function runtimeFromRow(row: ClusterRow): ClusterRuntime {
  const config = clusterConfigs[row.adapter].parse(unsealClusterSecrets(row.config));
  return { id: row.id, name: row.name, adapter: row.adapter, config, maxLagBytes: Number(row.maxLagBytes) } as ClusterRuntime;
}

const sqlOf = (h: Db | Sql): Sql => ("$client" in h ? h.$client : h);

export async function loadClusterRow(h: Db | Sql, id: string): Promise<ClusterRow | null> {
  const [row] = await sqlOf(h).unsafe<ClusterRow[]>(`select ${clusterRowColumns} from clusters where id = $1`, [id]);
  return row ?? null;
}

export async function loadClusterRuntime(h: Db | Sql, id: string): Promise<ClusterRuntime> {
  const row = await loadClusterRow(h, id);
  if (!row) throw notFound("Cluster", id);
  return runtimeFromRow(row);
}
