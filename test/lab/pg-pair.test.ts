/**
 * The lab's PostgreSQL pair on real processes: two embedded PostgreSQL 18
 * servers (the standby cloned with the backup API), the router that forwards
 * only to the single writable member, and the host agent that stops, starts,
 * kills and re-clones members. One pair for the file, walked through a manual
 * switchover, a crash and a re-clone, and a restart of the whole pair.
 */
import { rmSync } from "node:fs";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentError, agentMembers, agentOk, agentStopResult } from "@/server/failover/agent-protocol";
import { startPgPair, type PgPair, type PgPairOptions } from "@/server/lab/pg-pair/pair";
import { startLabWriter } from "@/server/lab/pg-pair/writer";
import { tempDir, waitFor } from "../probes/helpers";

const token = "lab-agent-token-for-tests";
const fast = ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];

let dir: string;
let pair: PgPair;
const opts = (): PgPairOptions => ({ dir, agentToken: token, extraFlags: fast });

const sqlTo = (url: string) => postgres(url, { max: 1, connect_timeout: 20, onnotice: () => undefined });
async function one<T>(url: string, q: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = sqlTo(url);
  try {
    return await q(sql);
  } finally {
    await sql.end({ timeout: 1 });
  }
}
const port = (name: "a" | "b") => pair.members.find((m) => m.name === name)!.port;
const replicas = (primary: "a" | "b") =>
  one(pair.memberUrl(primary), (sql) => sql<{ name: string; state: string }[]>`select application_name as name, state from pg_stat_replication`);
const streamsFrom = async (standby: "a" | "b", primary: "a" | "b") =>
  (await replicas(primary).catch(() => [])).some((r) => r.name === standby && r.state === "streaming");

async function agent(path: string, body?: unknown, auth = `Bearer ${token}`): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${pair.agentUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: auth, "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

beforeAll(async () => {
  dir = tempDir("lab-pg-pair");
  pair = await startPgPair(opts());
}, 180_000);

afterAll(async () => {
  await pair?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe("lab PostgreSQL pair", () => {
  it("comes up with b streaming from a and the router forwarding to a", async () => {
    expect(pair.routedTo()).toBe("a");
    await waitFor(() => streamsFrom("b", "a"), 30_000, "b streaming from a");
    const [row] = await one(pair.routerUrl, (sql) => sql<{ port: number; standby: boolean }[]>`select inet_server_port() as port, pg_is_in_recovery() as standby`);
    expect(row).toEqual({ port: port("a"), standby: false });
    await one(pair.routerUrl, (sql) => sql`create table t (n int primary key)`.then(() => sql`insert into t values (1)`));
    const members = agentMembers.parse((await agent("/v1/members")).json).members;
    expect(members.map((m) => [m.name, m.running, m.standby])).toEqual([["a", true, false], ["b", true, true]]);
  });

  it("a manual switchover: stop a (fast) → the router holds; promote b → held connections complete on b; a rejoins as b's standby", async () => {
    const [{ lsn: before } = { lsn: "" }] = await one(pair.memberUrl("a"), (sql) => sql<{ lsn: string }[]>`select pg_current_wal_insert_lsn()::text as lsn`);
    const stop = await agent("/v1/members/a/stop", { mode: "fast" });
    expect(stop.status).toBe(200);
    const stopped = agentStopResult.parse(stop.json);
    // a fast shutdown that exited by itself with 0; its shutdown checkpoint read back from pg_control
    expect(stopped).toMatchObject({ clean: true, exitCode: 0 });
    expect(stopped.checkpointLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    const [cp] = await one(pair.memberUrl("b"), (sql) =>
      sql<{ afterFence: boolean; received: boolean }[]>`select ${stopped.checkpointLsn!}::pg_lsn >= ${before}::pg_lsn as "afterFence", pg_last_wal_receive_lsn() > ${stopped.checkpointLsn!}::pg_lsn as received`);
    // the standby received past the start of the shutdown checkpoint record before the postmaster exited
    expect(cp).toEqual({ afterFence: true, received: true });
    // stopping a stopped member answers how its last stop ended
    expect(agentStopResult.parse((await agent("/v1/members/a/stop", { mode: "fast" })).json)).toMatchObject({ clean: true, checkpointLsn: stopped.checkpointLsn });
    await waitFor(() => pair.routedTo() === null, 10_000, "router holding");

    // a connection made now waits in the router
    const held = sqlTo(pair.routerUrl);
    let answered = false;
    const heldQuery = held<{ port: number }[]>`select inet_server_port() as port`.then((r) => ((answered = true), r));
    await new Promise((r) => setTimeout(r, 500));
    expect(answered).toBe(false);

    // the fast shutdown shipped a's last WAL: the row is on b before promotion
    expect(await one(pair.memberUrl("b"), (sql) => sql`select n from t`)).toHaveLength(1);
    const onB = sqlTo(pair.memberUrl("b"));
    await onB`select 1`;
    const promoting = Date.now();
    await onB`select pg_promote()`;
    const promoted = Date.now();
    await waitFor(() => pair.routedTo() === "b", 15_000, "router forwarding to b");
    console.log(`pg_promote() took ${promoted - promoting} ms; the router forwarded to b ${Date.now() - promoted} ms after it returned`);
    await onB.end({ timeout: 1 });
    expect((await heldQuery)[0]?.port).toBe(port("b"));
    await held.end({ timeout: 1 });
    await one(pair.routerUrl, (sql) => sql`insert into t values (2)`);

    const start = await agent("/v1/members/a/start", { primary: "b" });
    expect(start.status).toBe(200);
    agentOk.parse(start.json);
    await waitFor(() => streamsFrom("a", "b"), 30_000, "a streaming from b");
    await waitFor(async () => (await one(pair.memberUrl("a"), (sql) => sql`select n from t`)).length === 2, 10_000, "a replayed b's writes");
    expect(pair.routedTo()).toBe("b");
    // idempotent: a repeated start for the same primary is a no-op
    expect((await agent("/v1/members/a/start", { primary: "b" })).status).toBe(200);
  }, 120_000);

  it("kill a (the standby) and re-clone it from b", async () => {
    const killed = await agent("/v1/members/a/kill", {});
    expect(killed.status).toBe(200);
    const members = agentMembers.parse((await agent("/v1/members")).json).members;
    expect(members.find((m) => m.name === "a")).toMatchObject({ running: false, pid: null });
    // a killed member is not reported as cleanly stopped
    expect(agentStopResult.parse((await agent("/v1/members/a/stop", { mode: "fast" })).json)).toMatchObject({ clean: false, checkpointLsn: null });
    await one(pair.routerUrl, (sql) => sql`insert into t values (3)`);

    const reclone = await agent("/v1/members/a/reclone", { primary: "b" });
    expect(reclone.status).toBe(200);
    agentOk.parse(reclone.json);
    await waitFor(() => streamsFrom("a", "b"), 30_000, "re-cloned a streaming from b");
    await waitFor(async () => (await one(pair.memberUrl("a"), (sql) => sql`select n from t`)).length === 3, 10_000, "a has all rows");
  }, 120_000);

  it("an unplanned failover: kill the primary b → the router holds; promote a → forwards to a; b re-cloned as a's standby", async () => {
    expect((await agent("/v1/members/b/kill", {})).status).toBe(200);
    await waitFor(() => pair.routedTo() === null, 10_000, "router holding after the crash");
    await one(pair.memberUrl("a"), (sql) => sql`select pg_promote()`);
    await waitFor(() => pair.routedTo() === "a", 15_000, "router forwarding to a");
    await one(pair.routerUrl, (sql) => sql`insert into t values (4)`);
    // the crashed primary may have WAL the new timeline never saw: re-clone rather than rejoin
    expect((await agent("/v1/members/b/reclone", { primary: "a" })).status).toBe(200);
    await waitFor(() => streamsFrom("b", "a"), 30_000, "b streaming from a");
    expect(pair.memberStates().map((m) => [m.name, m.running, m.standby])).toEqual([["a", true, false], ["b", true, true]]);
  }, 120_000);

  it("a restart of the whole pair reuses the data and keeps the roles", async () => {
    const password = pair.password;
    await pair.stop();
    pair = await startPgPair(opts());
    expect(pair.password).toBe(password);
    expect(pair.routedTo()).toBe("a");
    await waitFor(() => streamsFrom("b", "a"), 30_000, "b streaming from a after the restart");
    expect(await one(pair.routerUrl, (sql) => sql<{ n: number }[]>`select n from t order by n`)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
  }, 120_000);

  it("the writer keeps committing through the router across a switchover (stop a, promote b, a rejoins)", async () => {
    const writer = startLabWriter({ url: pair.routerUrl });
    try {
      await waitFor(() => writer.stats().acked >= 20, 20_000, "writer running");
      const before = writer.stats().acked;
      const stop = await agent("/v1/members/a/stop", { mode: "fast" });
      expect(stop.status).toBe(200);
      // clean under write load too
      expect(agentStopResult.parse(stop.json).clean).toBe(true);
      await one(pair.memberUrl("b"), (sql) => sql`select pg_promote()`);
      await waitFor(() => pair.routedTo() === "b", 15_000, "router forwarding to b");
      expect((await agent("/v1/members/a/start", { primary: "b" })).status).toBe(200);
      await waitFor(() => writer.stats().acked >= before + 20, 20_000, "writer committing on b");
      const s = writer.stats();
      console.log(`writer: ${s.acked} acked, ${s.errors} errors, longest gap ${s.longestGapMs} ms`);
      expect(s.lastAckAt).not.toBeNull();
    } finally {
      await writer.stop();
    }
    // every acknowledged id is on the new primary
    const { acked, nextId } = writer.stats();
    const [row] = await one(pair.routerUrl, (sql) => sql<{ n: number; max: number }[]>`select count(*)::int as n, max(id)::int as max from lab_writes`);
    expect(row?.n).toBe(acked);
    expect(row?.max).toBe(nextId - 1);
    await waitFor(() => streamsFrom("a", "b"), 30_000, "a streaming from b");
  }, 120_000);

  it("a stop answer from an agent that predates `clean` still parses (the driver treats it as not known to be clean)", () => {
    const r = agentStopResult.parse({ ok: true, stoppedAt: "2026-01-01T00:00:00.000Z" });
    expect(r.clean).toBeUndefined();
    expect(r.checkpointLsn).toBeUndefined();
  });

  it("refuses a wrong token (401), a bad body (400), an unknown member (404) and a start over a running member for another primary (409)", async () => {
    const noToken = await agent("/v1/members", undefined, "Bearer nope");
    expect(noToken.status).toBe(401);
    expect(agentError.parse(noToken.json).error).toMatch(/token/);

    const badMode = await agent("/v1/members/a/stop", { mode: "gentle" });
    expect(badMode.status).toBe(400);
    expect(agentError.parse(badMode.json).error).toMatch(/^invalid body: mode: /);

    const noPrimary = await agent("/v1/members/a/reclone", {});
    expect(noPrimary.status).toBe(400);
    expect(agentError.parse(noPrimary.json).error).toMatch(/primary/);

    const notJson = await agent("/v1/members/a/start", "{oops");
    expect(notJson).toEqual({ status: 400, json: { error: "body is not valid JSON" } });

    expect((await agent("/v1/members/c/stop", {})).status).toBe(404);
    const self = await agent("/v1/members/a/reclone", { primary: "a" });
    expect(self.status).toBe(400);
    expect(agentError.parse(self.json).error).toMatch(/itself/);

    const running = await agent("/v1/members/b/start", { primary: "a" });
    expect(running.status).toBe(409);
    expect(agentError.parse(running.json).error).toMatch(/stop it/);
    // nothing changed
    expect(pair.routedTo()).toBe("b");
    expect(agentMembers.parse((await agent("/v1/members")).json).members.map((m) => [m.name, m.running, m.standby])).toEqual([["a", true, true], ["b", true, false]]);
  });

  it("a restart after a failover whose old primary never rejoined: the newer timeline stays primary, the other follows it", async () => {
    expect((await agent("/v1/members/b/kill", {})).status).toBe(200);
    await one(pair.memberUrl("a"), (sql) => sql`select pg_promote()`);
    await waitFor(() => pair.routedTo() === "a", 15_000, "router forwarding to a");
    await one(pair.routerUrl, (sql) => sql`insert into t values (5)`);
    // b's data directory still says primary: both would come up writable
    await pair.stop();
    pair = await startPgPair(opts());
    expect(pair.routedTo()).toBe("a");
    await waitFor(() => streamsFrom("b", "a"), 30_000, "b streaming from a");
    expect(pair.memberStates().map((m) => [m.name, m.standby])).toEqual([["a", false], ["b", true]]);
    expect((await one(pair.routerUrl, (sql) => sql<{ n: number }[]>`select n from t order by n`)).map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
  }, 180_000);
});
