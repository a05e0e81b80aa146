import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRetryableCode, pgWriteProbe, writeTargets } from "@/server/failover/pg-write-probe";
import { testDb, type TestDb } from "../db";

/**
 * The write probe on one real PostgreSQL (the suite's): it writes, survives
 * its session being killed, reports gaps and errors, and cleans up after
 * itself. Its behaviour across a real switchover is covered in
 * pg-streaming.test.ts (through the lab pair's router and a multi-host URL).
 */
let t: TestDb;
beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("pgWriteProbe", () => {
  it("writes sequential ids, reads them all back and deletes them", async () => {
    const op = randomUUID();
    const probe = pgWriteProbe(t.url, op);
    await probe.start();
    await sleep(400);
    const r = await probe.stop();
    expect(r.acked).toBeGreaterThan(5);
    expect(r.attempted).toBeGreaterThanOrEqual(r.acked);
    expect(r.lostAcked).toBe(0);
    expect(r.errors).toEqual({});
    expect(r.unavailableMs).toBeGreaterThanOrEqual(0);
    const [left] = await t.sql<{ n: number }[]>`select count(*)::int as n from bulwark_write_probe where op = ${op}`;
    expect(left?.n).toBe(0);
  });

  it("keeps writing when its session is terminated, on a new connection", async () => {
    const op = randomUUID();
    const probe = pgWriteProbe(t.url, op);
    const pids = () => t.sql<{ pid: number }[]>`select pid from pg_stat_activity where application_name = 'bulwark-write-probe' and datname = current_database()`;
    await probe.start();
    await sleep(200);
    const [first] = await pids();
    expect(first).toBeDefined();
    await t.sql`select pg_terminate_backend(${first!.pid})`;
    await sleep(300);
    const [second] = await pids();
    const count = async () => (await t.sql<{ n: number }[]>`select count(*)::int as n from bulwark_write_probe where op = ${op}`)[0]!.n;
    const before = await count();
    await sleep(100);
    expect(await count()).toBeGreaterThan(before);
    const r = await probe.stop();
    expect(second?.pid).not.toBe(first!.pid);
    // killed mid-insert: 57P01 or a closed connection is counted; killed between inserts postgres.js reconnects on its own
    for (const code of Object.keys(r.errors)) expect(isRetryableCode(code), code).toBe(true);
    expect(r.lostAcked).toBe(0);
    // sanity only: a shared 2-core machine makes any timing bound flaky
    expect(r.unavailableMs).toBeLessThan(15_000);
  });

  it("measures the longest stretch without an acknowledged write", async () => {
    const op = randomUUID();
    const probe = pgWriteProbe(t.url, op);
    await probe.start();
    await sleep(150);
    // Block the probe's inserts for ~600 ms with a lock on its table.
    const blocker = postgres(t.url, { max: 1, onnotice: () => undefined });
    try {
      await blocker.begin(async (tx) => {
        await tx`lock table bulwark_write_probe in access exclusive mode`;
        await sleep(600);
      });
    } finally {
      await blocker.end({ timeout: 1 });
    }
    await sleep(150);
    const r = await probe.stop();
    expect(r.lostAcked).toBe(0);
    expect(r.unavailableMs).toBeGreaterThanOrEqual(550);
    expect(r.gapEndedAt!.getTime()).toBeGreaterThan(r.gapStartedAt!.getTime());
  });

  it("counts the time from the last ack to stop() when the path never came back", async () => {
    const op = randomUUID();
    const probe = pgWriteProbe("postgres://nobody:x@127.0.0.1:1/postgres", op, { readBackTimeoutMs: 300 });
    await probe.start();
    await sleep(300);
    await expect(probe.stop()).rejects.toThrow(/could not read the write probe's rows back/);
  });

  it("treats switchover noise as retryable and other errors as not", () => {
    for (const c of ["25006", "57P01", "57P03", "08006", "ECONNRESET", "ECONNREFUSED", "CONNECT_TIMEOUT"]) expect(isRetryableCode(c)).toBe(true);
    for (const c of ["28P01", "42501", "42P01"]) expect(isRetryableCode(c)).toBe(false);
  });

  it("splits a multi-host URL into one URL per host and takes over target_session_attrs", () => {
    expect(writeTargets("postgres://u:p%40w@10.0.0.1:5432,10.0.0.2:5433/app?target_session_attrs=read-write&sslmode=disable")).toEqual({
      urls: ["postgres://u:p%40w@10.0.0.1:5432/app?sslmode=disable", "postgres://u:p%40w@10.0.0.2:5433/app?sslmode=disable"],
      readWrite: true,
    });
    expect(writeTargets("postgres://u@h:1/db")).toEqual({ urls: ["postgres://u@h:1/db"], readWrite: false });
    expect(writeTargets("postgresql://h1,h2?target_session_attrs=primary")).toEqual({ urls: ["postgresql://h1", "postgresql://h2"], readWrite: true });
  });
});
