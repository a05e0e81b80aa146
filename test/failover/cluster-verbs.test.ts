/**
 * Cluster definitions through the tRPC router on a real PostgreSQL: admin
 * only, secrets sealed at rest and redacted on the way out, unique names,
 * bad input that writes nothing, and deletes that keep operation history.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, clusters, events, operations } from "@/db/schema";
import { REDACTED, isSealed, unseal } from "@/server/crypto/secrets";
import { loadClusterRuntime } from "@/server/failover/load-cluster";
import { publicRowCounts } from "../db";
import { trpcErrorOf } from "../trpc";
import { type Engine, engine, reason, streamingInput } from "./engine-fixtures";

let e: Engine;
beforeAll(async () => {
  e = await engine();
});
afterAll(async () => {
  await e.close();
});

async function expectNoWrites(run: () => Promise<unknown>) {
  const before = await publicRowCounts(e.t.sql);
  await run();
  expect(await publicRowCounts(e.t.sql)).toEqual(before);
}

describe("createCluster", () => {
  it("is admin-only: operator and viewer are refused and nothing is written", async () => {
    await expectNoWrites(async () => {
      expect((await trpcErrorOf(e.as(e.operator).create(streamingInput("op-made")))).code).toBe("FORBIDDEN");
      expect((await trpcErrorOf(e.as(e.viewer).create(streamingInput("viewer-made")))).code).toBe("FORBIDDEN");
    });
  });

  it("seals secrets at rest, redacts them in get, keeps them when the form sends REDACTED back", async () => {
    const c = await e.as(e.admin).create(streamingInput("sealed-one", { config: { ...streamingInput("x").config, agentToken: "tok-123", writeProbeUrl: "postgres://w:pw@127.0.0.1:6543/app" } }));
    const [row] = await e.t.db.select().from(clusters).where(eq(clusters.id, c.id));
    for (const f of ["password", "agentToken", "writeProbeUrl"]) expect(isSealed(row!.config[f])).toBe(true);
    expect(unseal(row!.config.password as string)).toBe("pw-in-clear");
    expect(JSON.stringify(row!.config)).not.toContain("pw-in-clear");

    const got = await e.as(e.viewer).get({ id: c.id });
    expect(got.config).toMatchObject({ password: REDACTED, agentToken: REDACTED, writeProbeUrl: REDACTED, user: "postgres" });
    expect(JSON.stringify(got)).not.toContain("enc:v1:");

    // writeProbeUrl is validated as a URL, so the form cannot send the marker back for it (reported to the lead)
    const { writeProbeUrl: _w, ...shown } = got.config;
    await e.as(e.admin).update({ ...streamingInput("sealed-one"), id: c.id, maxLagBytes: 1024, config: { ...shown, password: REDACTED, agentToken: "new-token", writeProbeUrl: "postgres://w:pw@127.0.0.1:6543/app" } } as never);
    const runtime = await loadClusterRuntime(e.t.db, c.id);
    expect(runtime.maxLagBytes).toBe(1024);
    expect(runtime.config).toMatchObject({ password: "pw-in-clear", agentToken: "new-token", writeProbeUrl: "postgres://w:pw@127.0.0.1:6543/app", database: "postgres" });
  });

  it("writes an audit row and a cluster.created event on the cluster's topic", async () => {
    const c = await e.as(e.admin).create(streamingInput("audited"));
    const audits = await e.t.db.select().from(auditLog).where(eq(auditLog.targetId, c.id));
    expect(audits.map((a) => a.action)).toEqual(["cluster.create"]);
    const ev = await e.t.db.select().from(events).where(eq(events.topic, `cluster:${c.id}`));
    expect(ev.map((x) => x.type)).toEqual(["cluster.created"]);
  });

  it("refuses a name taken in another case with CONFLICT naming it", async () => {
    await e.as(e.admin).create(streamingInput("Orders-DB"));
    await expectNoWrites(async () => {
      const err = await trpcErrorOf(e.as(e.admin).create(streamingInput("orders-db")));
      expect(err.code).toBe("CONFLICT");
      expect(err.message).toMatch(/A cluster named orders-db already exists/);
    });
  });

  it.each([
    ["one member", { config: { ...streamingInput("x").config, members: [{ name: "a", host: "127.0.0.1", port: 5432 }] } }, "config.members"],
    ["duplicate member names", { config: { ...streamingInput("x").config, members: [{ name: "a", host: "127.0.0.1" }, { name: "A", host: "127.0.0.1" }] } }, "config.members"],
    ["an unknown adapter", { adapter: "mysql-group" }, "adapter"],
    ["a bad name", { name: "-x" }, "name"],
    ["an unknown service", { serviceId: "00000000-0000-4000-8000-000000000000" }, "serviceId"],
  ])("rejects %s with a clear error and writes nothing", async (_what, patch, field) => {
    await expectNoWrites(async () => {
      const err = await trpcErrorOf(e.as(e.admin).create({ ...streamingInput("bad-input"), ...patch } as never));
      expect(["BAD_REQUEST", "NOT_FOUND"]).toContain(err.code);
      const fieldErrors = (err.cause as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors;
      if (fieldErrors) expect(Object.keys(fieldErrors).some((k) => k.startsWith(field))).toBe(true);
    });
  });
});

describe("updateCluster", () => {
  it("refuses changing the adapter", async () => {
    const c = await e.as(e.admin).create(streamingInput("adapter-fixed"));
    const err = await trpcErrorOf(
      e.as(e.admin).update({ id: c.id, name: "adapter-fixed", adapter: "redis-sentinel", config: { sentinels: [{ host: "127.0.0.1" }], masterName: "m" } } as never),
    );
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toMatch(/adapter cannot be changed/);
  });
});

describe("deleteCluster", () => {
  it("deletes a cluster without operations, with audit and event", async () => {
    const c = await e.as(e.admin).create(streamingInput("short-lived"));
    expect(await e.as(e.admin).delete({ id: c.id })).toEqual({ id: c.id });
    expect(await e.t.db.select().from(clusters).where(eq(clusters.id, c.id))).toEqual([]);
    const ev = await e.t.db.select().from(events).where(eq(events.topic, `cluster:${c.id}`));
    expect(ev.map((x) => x.type)).toEqual(["cluster.created", "cluster.deleted"]);
  });

  it("refuses while an operation is active (CONFLICT with its id), and keeps history afterwards", async () => {
    const c = await e.cluster();
    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
    const err = await trpcErrorOf(e.as(e.admin).delete({ id: c.id }));
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toContain(op.id);
    await e.as(e.operator).cancel({ id: op.id });
    const again = await trpcErrorOf(e.as(e.admin).delete({ id: c.id }));
    expect(again.code).toBe("CONFLICT");
    expect(again.message).toMatch(/history, which is kept/);
    expect((await e.t.db.select().from(operations).where(eq(operations.clusterId, c.id))).length).toBe(1);
  });

  it("is admin-only", async () => {
    const c = await e.as(e.admin).create(streamingInput("keep-me"));
    expect((await trpcErrorOf(e.as(e.operator).delete({ id: c.id }))).code).toBe("FORBIDDEN");
  });
});

describe("list and get", () => {
  it("list shows members as observed, the primary, the active and last operation; get redacts config", async () => {
    const c = await e.cluster();
    const list = await e.as(e.viewer).list();
    const mine = list.find((x) => x.id === c.id)!;
    expect(mine).toMatchObject({ name: c.name, adapter: "postgres-streaming", kind: "postgres", primary: "pg-a", activeOperation: null, lastOperation: null, observeError: null });
    expect(mine.members.map((m) => [m.name, m.role])).toEqual([
      ["pg-a", "primary"],
      ["pg-b", "standby"],
    ]);
    expect("config" in mine).toBe(false);

    const op = await e.as(e.operator).switchover({ clusterId: c.id, reason, confirmName: c.name });
    const detail = await e.as(e.viewer).get({ id: c.id });
    expect(detail.activeOperation).toEqual({ id: op.id, kind: "switchover", status: "pending" });
    expect(detail.lastOperation?.id).toBe(op.id);
    expect(detail.config.password).toBe(REDACTED);
    await e.as(e.operator).cancel({ id: op.id });
    const after = await e.as(e.viewer).get({ id: c.id });
    expect(after.activeOperation).toBeNull();
    expect(after.lastOperation).toMatchObject({ id: op.id, status: "cancelled" });
  });

  it("get of an unknown cluster is NOT_FOUND", async () => {
    expect((await trpcErrorOf(e.as(e.viewer).get({ id: "00000000-0000-4000-8000-000000000000" }))).code).toBe("NOT_FOUND");
  });
});
