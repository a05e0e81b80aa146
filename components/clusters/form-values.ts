import { z } from "zod";
import { type ClusterAdapterName, type ClusterInput, clusterInput } from "@/server/failover/schemas";
import type { ClusterDetail } from "@/server/failover/types";

const MiB = 1024 * 1024;

/**
 * What the cluster form edits. Close to `ClusterInput`, with what inputs can
 * hold: the lag limit in MiB, Patroni URLs one per line, "" for "no service".
 * `toClusterInput` turns it into the shared schema's input; the shared schema
 * validates it, so its error paths (`config.members.1.host`) land on the fields.
 */
export type ClusterFormValues = {
  adapter: ClusterAdapterName;
  name: string;
  description: string;
  serviceId: string;
  maxLagMiB: unknown;
  config: {
    members: { name: string; host: string; port: unknown }[];
    database: string;
    user: string;
    password?: string;
    agentUrl?: string;
    agentToken?: string;
    writeProbeUrl?: string;
    apiUrls: string;
    username?: string;
    sentinels: { host: string; port: unknown }[];
    masterName: string;
    sentinelPassword?: string;
    writeProbe: boolean;
  };
};

export function emptyClusterForm(adapter: ClusterAdapterName = "postgres-streaming"): ClusterFormValues {
  return {
    adapter,
    name: "",
    description: "",
    serviceId: "",
    maxLagMiB: 16,
    config: {
      members: [
        { name: "", host: "", port: 5432 },
        { name: "", host: "", port: 5432 },
      ],
      database: "postgres",
      user: "postgres",
      apiUrls: "",
      sentinels: [{ host: "", port: 26379 }],
      masterName: "mymaster",
      writeProbe: true,
    },
  };
}

const blank = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v);

export function toClusterInput(v: ClusterFormValues): ClusterInput {
  const c = v.config;
  const mib = typeof v.maxLagMiB === "number" ? v.maxLagMiB : Number.NaN;
  const common = {
    name: v.name,
    description: v.description,
    serviceId: v.serviceId === "" ? null : v.serviceId,
    maxLagBytes: Number.isFinite(mib) ? Math.round(mib * MiB) : mib,
  };
  if (v.adapter === "postgres-streaming") {
    return {
      ...common,
      adapter: v.adapter,
      config: {
        members: c.members,
        database: c.database,
        user: c.user,
        password: blank(c.password),
        agentUrl: blank(c.agentUrl),
        agentToken: blank(c.agentToken),
        writeProbeUrl: blank(c.writeProbeUrl),
      },
    };
  }
  if (v.adapter === "patroni") {
    const apiUrls = c.apiUrls
      .split(/[\n,]/)
      .map((u) => u.trim())
      .filter(Boolean);
    return { ...common, adapter: v.adapter, config: { apiUrls, username: blank(c.username), password: blank(c.password), writeProbeUrl: blank(c.writeProbeUrl) } };
  }
  return {
    ...common,
    adapter: "redis-sentinel",
    config: { sentinels: c.sentinels, masterName: c.masterName, password: blank(c.password), sentinelPassword: blank(c.sentinelPassword), writeProbe: c.writeProbe },
  };
}

/** The shared schema behind the form's own shape. */
export const clusterFormSchema = z.custom<ClusterFormValues>().transform(toClusterInput).pipe(clusterInput);

/** A saved cluster as the form edits it. Secrets arrive redacted; sent back unchanged, the server keeps the stored value. */
export function detailToForm(d: ClusterDetail): ClusterFormValues {
  const base = emptyClusterForm(d.adapter);
  const cfg = d.config;
  const str = (k: string) => (typeof cfg[k] === "string" ? (cfg[k] as string) : undefined);
  const list = <T,>(k: string): T[] | undefined => (Array.isArray(cfg[k]) ? (cfg[k] as T[]) : undefined);
  return {
    adapter: d.adapter,
    name: d.name,
    description: d.description,
    serviceId: d.serviceId ?? "",
    maxLagMiB: d.maxLagBytes / MiB,
    config: {
      ...base.config,
      members: list<{ name: string; host: string; port: number }>("members") ?? base.config.members,
      database: str("database") ?? base.config.database,
      user: str("user") ?? base.config.user,
      password: str("password"),
      agentUrl: str("agentUrl"),
      agentToken: str("agentToken"),
      writeProbeUrl: str("writeProbeUrl"),
      apiUrls: (list<string>("apiUrls") ?? []).join("\n"),
      username: str("username"),
      sentinels: list<{ host: string; port: number }>("sentinels") ?? base.config.sentinels,
      masterName: str("masterName") ?? base.config.masterName,
      sentinelPassword: str("sentinelPassword"),
      writeProbe: typeof cfg.writeProbe === "boolean" ? cfg.writeProbe : true,
    },
  };
}
