/**
 * The Patroni driver against a REAL Patroni 3 cluster (test/ha/patroni-lab.ts:
 * etcd, two Patroni nodes on PostgreSQL 15, HAProxy on `GET /primary`), one
 * lab for the whole file. The steps run through a StepContext built here
 * (state kept in memory, logs collected) instead of the worker's runner,
 * which needs the operations tables; the driver sees the same contract.
 * Skipped only when the lab's binaries are not installed (.ci/run installs them).
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { patroniDriver } from "@/server/adapters/patroni-cluster";
import { closeSharedHttpClient } from "@/server/adapters/http-client";
import { patroniClusterConfig } from "@/server/failover/schemas";
import { type ClusterDriver, type ClusterRuntime, NothingChanged, type OperationKindName, type OperationState, type StepContext, type StepDef } from "@/server/failover/types";
import { patroniLabMissing, startPatroniLab, type PatroniLab } from "../ha/patroni-lab";
import { testDb } from "../db";
import { makeUser } from "../factories";
import { listen } from "../probes/helpers";
import { callerFor, trpcErrorOf } from "../trpc";

const missing = patroniLabMissing();

type StepRecord = { name: string; ok: boolean; result?: string; error?: Error; logs: string[]; commands: string[] };

/** Runs steps in order like the runner does (state persisted between them), stopping at the first that throws. */
async function runSteps(
  steps: StepDef[],
  cluster: ClusterRuntime,
  op: { kind: OperationKindName; candidate: string; fromPrimary: string | null },
  state: OperationState = {},
): Promise<{ records: StepRecord[]; state: OperationState; failed: StepRecord | undefined }> {
  const records: StepRecord[] = [];
  for (const step of steps) {
    const rec: StepRecord = { name: step.name, ok: false, logs: [], commands: [] };
    records.push(rec);
    const ctx: StepContext = {
      op: { id: randomUUID(), reason: "patroni driver test", ...op },
      cluster,
      state,
      setState: async (patch) => void Object.assign(state, patch),
      log: (msg) => rec.logs.push(msg),
      command: (text) => rec.commands.push(text),
      signal: AbortSignal.timeout(120_000),
      resumed: false,
    };
    try {
      rec.result = await step.run(ctx);
      rec.ok = true;
    } catch (err) {
      rec.error = err as Error;
      break;
    }
  }
  return { records, state, failed: records.find((r) => !r.ok) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(missing !== null)(`Patroni driver on a real Patroni cluster${missing ? ` (skipped: ${missing})` : ""}`, () => {
  let lab: PatroniLab;
  let cluster: ClusterRuntime<"patroni">;
  let driver: ClusterDriver;

  const runtime = (over: Record<string, unknown> = {}): ClusterRuntime<"patroni"> => ({
    id: randomUUID(),
    name: "patroni-lab",
    adapter: "patroni",
    maxLagBytes: 16 * 1024 * 1024,
    config: patroniClusterConfig.parse({ apiUrls: lab.apiUrls, username: lab.username, password: lab.password, writeProbeUrl: lab.haproxyUrl, ...over }),
  });
  const roles = async () => {
    const obs = await driver.observe();
    if (obs.error) throw new Error(obs.error);
    const primary = obs.members.filter((m) => m.role === "primary");
    const standby = obs.members.filter((m) => m.role === "standby");
    return { obs, leader: primary[0]?.name ?? "", replica: standby[0]?.name ?? "", leaders: primary.length };
  };

  beforeAll(async () => {
    const t = performance.now();
    lab = await startPatroniLab({ timeoutMs: 150_000 });
    console.log(`[patroni lab] up in ${Math.round(performance.now() - t)} ms`);
    cluster = runtime();
    driver = patroniDriver(cluster);
  }, 180_000);

  afterAll(async () => {
    await driver?.close();
    await closeSharedHttpClient();
    await lab?.stop();
  }, 120_000);

  it("observe: the leader and the replica with role, timeline, lag, WAL position and health", async () => {
    const { obs, leader, replica, leaders } = await roles();
    expect(obs.error).toBeNull();
    expect(leaders).toBe(1);
    expect(obs.members).toHaveLength(2);
    const l = obs.members.find((m) => m.name === leader);
    const r = obs.members.find((m) => m.name === replica);
    expect(l).toMatchObject({ role: "primary", writable: true, healthy: true, timeline: 1, lagBytes: null, host: "127.0.0.1" });
    expect(r).toMatchObject({ role: "standby", writable: false, healthy: true, timeline: 1, syncState: "async" });
    expect(r?.lagBytes).toBeTypeOf("number");
    expect(l?.position).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(typeof l?.positionBytes).toBe("bigint");
    expect(lab.nodes.map((n) => n.pgPort)).toContain(l?.port);
  });

  it("observe: no REST API answering is an observation error, not a throw", async () => {
    const down = patroniDriver(runtime({ apiUrls: ["http://127.0.0.1:9/"] }));
    const obs = await down.observe();
    expect(obs.members).toEqual([]);
    expect(obs.error).toMatch(/no Patroni REST API answered GET \/cluster/);
  });

  it("an unknown candidate: the preflight refuses naming it, Patroni's own 412 is surfaced by the request, nothing changes", async () => {
    const before = await roles();
    const viaSteps = await runSteps(driver.switchoverSteps(), cluster, { kind: "switchover", candidate: "pg9", fromPrimary: before.leader });
    expect(viaSteps.failed?.name).toBe("preflight");
    expect(viaSteps.failed?.error?.message).toMatch(/candidate pg9 is not a member of the Patroni cluster/);

    // The request step alone (as if the preflight had passed): Patroni itself refuses.
    const request = driver.switchoverSteps().find((s) => s.name === "request");
    if (!request) throw new Error("no request step");
    const direct = await runSteps([request], cluster, { kind: "switchover", candidate: "pg9", fromPrimary: before.leader }, { oldLeader: before.leader });
    expect(direct.failed?.error?.message).toMatch(/^Patroni refused the switchover: 412 candidate does not exist/);
    // a clear refusal changed nothing: the runner ends it failed, not needs-attention
    expect(direct.failed?.error).toBeInstanceOf(NothingChanged);
    expect(direct.failed?.commands[0]).toMatch(/curl -s -u bulwark:\*\*\* -X POST http:\/\/127\.0\.0\.1:\d+\/switchover/);
    expect(direct.failed?.commands.join(" ")).not.toContain(lab.password);

    const after = await roles();
    expect(after.leader).toBe(before.leader);
    expect(after.obs.members.map((m) => m.timeline)).toEqual(before.obs.members.map((m) => m.timeline));
  });

  it("a wrong REST password: Patroni's 401 is surfaced as such, nothing changes", async () => {
    const before = await roles();
    const wrong = runtime({ password: "not-the-password" });
    const res = await runSteps(patroniDriver(wrong).switchoverSteps(), wrong, { kind: "switchover", candidate: before.replica, fromPrimary: before.leader });
    expect(res.failed?.name).toBe("request");
    expect(res.failed?.error?.message).toMatch(/^Patroni refused the switchover: 401 .*check the REST API username and password/);
    expect(res.failed?.error).toBeInstanceOf(NothingChanged);
    await expect(patroniDriver(wrong).cancelScheduled?.()).rejects.toThrow(/401/);
    expect((await roles()).leader).toBe(before.leader);
  });

  it("a resumed request step never asks Patroni twice", async () => {
    const before = await roles();
    const request = driver.switchoverSteps().find((s) => s.name === "request");
    if (!request) throw new Error("no request step");
    const at = new Date().toISOString();
    const res = await runSteps([request], cluster, { kind: "switchover", candidate: before.replica, fromPrimary: before.leader }, { promoteRequestedAt: at });
    expect(res.failed).toBeUndefined();
    expect(res.records[0]?.result).toBe(`already requested at ${at}`);
    expect(res.records[0]?.commands).toEqual([]);
    expect((await roles()).leader).toBe(before.leader);
  });

  it("a failover is refused while the leader is healthy", async () => {
    const before = await roles();
    const res = await runSteps(driver.failoverSteps(), cluster, { kind: "failover", candidate: before.replica, fromPrimary: before.leader });
    expect(res.failed?.name).toBe("confirm");
    expect(res.failed?.error?.message).toMatch(new RegExp(`leader ${before.leader} is running and answers as primary`));
    expect((await roles()).leader).toBe(before.leader);
  });

  it("a switchover scheduled on Patroni and cancelled with DELETE /switchover never happens", async () => {
    const before = await roles();
    const at = new Date(Date.now() + 8_000);
    const res = await fetch(`${lab.apiUrls[0]}/switchover`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${lab.username}:${lab.password}`).toString("base64")}`, "content-type": "application/json" },
      body: JSON.stringify({ leader: before.leader, candidate: before.replica, scheduled_at: at.toISOString() }),
    });
    expect(res.status).toBe(202);
    expect(await res.text()).toMatch(/Switchover scheduled/);

    // Patroni 3.0 has no GET /switchover: the schedule shows in GET /cluster, which observe() reports on the leader.
    const scheduled = (await roles()).obs.members.find((m) => m.name === before.leader)?.details.scheduledSwitchover;
    expect(scheduled).toMatchObject({ from: before.leader, to: before.replica });

    await driver.cancelScheduled?.();
    expect((await roles()).obs.members.find((m) => m.name === before.leader)?.details.scheduledSwitchover).toBeUndefined();
    await driver.cancelScheduled?.(); // nothing scheduled any more (404): still fine

    // Past the scheduled time plus two of Patroni's loops: still the same leader on the same timeline.
    await sleep(Math.max(0, at.getTime() - Date.now()) + 5_000);
    const after = await roles();
    expect(after.leader).toBe(before.leader);
    expect(after.obs.members.find((m) => m.name === before.leader)?.timeline).toBe(before.obs.members.find((m) => m.name === before.leader)?.timeline);
  }, 60_000);

  it("an operator cancels a switchover scheduled on Patroni's side through Bulwark (audited); a viewer cannot", async () => {
    const t = await testDb();
    try {
      const [admin, operator, viewer] = await Promise.all([makeUser(t.db, { role: "admin" }), makeUser(t.db, { role: "operator" }), makeUser(t.db, { role: "viewer" })]);
      const c = await callerFor(t.db, admin.actor).clusters.create({
        name: "patroni-external",
        adapter: "patroni",
        config: { apiUrls: lab.apiUrls, username: lab.username, password: lab.password },
      });
      const before = await roles();
      const at = new Date(Date.now() + 30_000);
      const res = await fetch(`${lab.apiUrls[0]}/switchover`, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from(`${lab.username}:${lab.password}`).toString("base64")}`, "content-type": "application/json" },
        body: JSON.stringify({ leader: before.leader, candidate: before.replica, scheduled_at: at.toISOString() }),
      });
      expect(res.status).toBe(202);

      const refused = await trpcErrorOf(callerFor(t.db, viewer.actor).clusters.cancelExternalSchedule({ id: c.id }));
      expect(refused.code).toBe("FORBIDDEN");
      expect((await roles()).obs.members.find((m) => m.name === before.leader)?.details.scheduledSwitchover).toMatchObject({ to: before.replica });

      await callerFor(t.db, operator.actor).clusters.cancelExternalSchedule({ id: c.id });
      expect((await roles()).obs.members.find((m) => m.name === before.leader)?.details.scheduledSwitchover).toBeUndefined();
      const audit = await t.sql<{ action: string }[]>`select action from audit_log where target_id = ${c.id} and action = 'cluster.external_schedule_cancelled'`;
      expect(audit).toHaveLength(1);
    } finally {
      await t.close();
    }
  }, 60_000);

  it("a planned switchover through the steps moves the leader, HAProxy follows, no acknowledged write through HAProxy is lost", async () => {
    const before = await roles();
    const probe = driver.writeProbe(randomUUID());
    if (!probe) throw new Error("no write probe: writeProbeUrl is configured");
    await probe.start();
    await sleep(1000);
    const res = await runSteps(driver.switchoverSteps(), cluster, { kind: "switchover", candidate: before.replica, fromPrimary: before.leader });
    await lab.waitHaproxyOn(before.replica, 30_000);
    await sleep(1000);
    const report = await probe.stop();

    const steps = res.records.map((r) => `${r.name}: ${r.ok ? r.result : `FAILED ${r.error?.message}`}\n    ${r.logs.join("\n    ")}`);
    console.log(`[patroni switchover]\n  ${steps.join("\n  ")}`);
    console.log(`[patroni switchover] write-unavailability through HAProxy ${report.unavailableMs} ms; acked ${report.acked}/${report.attempted}, lost ${report.lostAcked}, errors ${JSON.stringify(report.errors)}`);
    expect(res.failed).toBeUndefined();
    expect(res.records.map((r) => r.name)).toEqual(["preflight", "request", "follow", "verify"]);
    expect(res.state).toMatchObject({ oldLeader: before.leader });
    expect(res.state.promoteRequestedAt).toBeTypeOf("string");
    expect(res.state.promotedAt).toBeTypeOf("string");

    const after = await roles();
    expect(after.leaders).toBe(1);
    expect(after.leader).toBe(before.replica);
    expect(after.obs.members.find((m) => m.name === before.leader)).toMatchObject({ role: "standby", healthy: true });
    expect(after.obs.members.find((m) => m.name === before.replica)?.timeline).toBeGreaterThan(before.obs.members.find((m) => m.name === before.leader)?.timeline ?? 0);
    expect(report.acked).toBeGreaterThan(0);
    expect(report.lostAcked).toBe(0);
  }, 120_000);

  it("the answer to POST /switchover is lost (the connection is reset after Patroni got it): the driver follows the cluster to the end", async () => {
    const before = await roles();
    // A relay in front of one member's REST API that forwards everything but cuts the switchover's answer off.
    const target = lab.apiUrls[0] ?? "";
    const relay = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => ["authorization", "content-type", "accept"].includes(k))) as Record<string, string>;
      const forwarded = fetch(`${target}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
      if (req.method === "POST" && req.url === "/switchover") {
        relayed++;
        forwarded.catch(() => undefined);
        await sleep(300);
        req.socket.destroy();
        return;
      }
      const answer = await forwarded;
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
    let relayed = 0;
    const port = await listen(relay);
    try {
      const viaRelay = runtime({ apiUrls: [`http://127.0.0.1:${port}`] });
      const res = await runSteps(patroniDriver(viaRelay).switchoverSteps(), viaRelay, { kind: "switchover", candidate: before.replica, fromPrimary: before.leader });
      console.log(`[patroni switchover, answer lost]\n  ${res.records.map((r) => `${r.name}: ${r.ok ? r.result : `FAILED ${r.error?.message}`}`).join("\n  ")}`);
      expect(relayed).toBe(1);
      expect(res.failed).toBeUndefined();
      expect(res.records.find((r) => r.name === "request")?.result).toMatch(/^no definite answer \(no answer \(.*\)\): following the cluster$/);
      expect(res.records.find((r) => r.name === "follow")?.result).toMatch(new RegExp(`^${before.replica} leads .*; ${before.leader} runs as its replica$`));
      expect((await roles()).leader).toBe(before.replica);
      await lab.waitHaproxyOn(before.replica, 30_000);
    } finally {
      relay.closeAllConnections();
      await new Promise((r) => relay.close(r));
    }
  }, 120_000);

  it("an unplanned failover: the leader node is killed, the steps confirm it is gone, fail over to the replica and verify one leader", async () => {
    const before = await roles();
    await lab.killNode(before.leader);
    const res = await runSteps(driver.failoverSteps(), cluster, { kind: "failover", candidate: before.replica, fromPrimary: before.leader });
    console.log(`[patroni failover]\n  ${res.records.map((r) => `${r.name}: ${r.ok ? r.result : `FAILED ${r.error?.message}`}`).join("\n  ")}`);
    expect(res.failed).toBeUndefined();
    // /cluster lists a dead member until its key expires (ttl): the leader's own REST API is asked.
    expect(res.records[0]?.result).toMatch(/does not answer as primary|Patroni reports no leader|is (stopped|crashed)/);
    const after = await roles();
    expect(after.leaders).toBe(1);
    expect(after.leader).toBe(before.replica);
    await lab.waitHaproxyOn(before.replica, 30_000);
  }, 120_000);
});
