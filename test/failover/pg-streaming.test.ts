import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentClient } from "@/server/adapters/postgres-streaming/agent-client";
import { createPostgresStreamingDriver } from "@/server/adapters/postgres-streaming/driver";
import { formatLsn, parseLsn } from "@/server/adapters/postgres-streaming/lsn";
import type { StepOptions } from "@/server/adapters/postgres-streaming/steps-common";
import { pgWriteProbe } from "@/server/failover/pg-write-probe";
import {
  NeedsAttention, type ClusterDriver, type ClusterRuntime, type MemberObservation, type OperationState, type StepContext, type StepDef, type WriteProbeReport,
} from "@/server/failover/types";
import { startPgPair, type PgPair } from "@/server/lab/pg-pair/pair";

/**
 * The postgres-streaming driver on the lab pair: two real embedded PostgreSQL
 * 18 servers (primary + streaming standby), the lab's router that forwards to
 * the one writable member, and the lab's host agent. Steps are run here one
 * after another the way the runner does, with a StepContext of our own that
 * records commands, log lines and state.
 */
const TOKEN = "test-agent-token";
let pair: PgPair;
let dir: string;
const drivers: ClusterDriver[] = [];

function scratch(): string {
  const root = process.env.BULWARK_TEST_TMPDIR ?? (existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir());
  return mkdtempSync(path.join(root, "bulwark-pgpair-"));
}

beforeAll(async () => {
  dir = scratch();
  pair = await startPgPair({ dir, agentToken: TOKEN, extraFlags: ["-c", "fsync=off", "-c", "full_page_writes=off"] });
}, 180_000);

afterAll(async () => {
  await Promise.all(drivers.map((d) => d.close()));
  await pair?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

function cluster(withAgent = true): ClusterRuntime<"postgres-streaming"> {
  return {
    id: randomUUID(),
    name: "lab-pair",
    adapter: "postgres-streaming",
    maxLagBytes: 16 * 1024 * 1024,
    config: {
      members: pair.members.map((m) => ({ name: m.name, host: m.host, port: m.port })),
      database: "postgres",
      user: pair.user,
      password: pair.password,
      ...(withAgent ? { agentUrl: pair.agentUrl, agentToken: TOKEN } : {}),
      writeProbeUrl: pair.routerUrl,
    },
  };
}

function driver(withAgent = true, options: StepOptions = {}) {
  const d = createPostgresStreamingDriver(cluster(withAgent), options);
  drivers.push(d);
  return d;
}

type Run = { ctx: StepContext; commands: string[]; logs: string[]; state: OperationState; results: Record<string, string> };

function context(op: Partial<StepContext["op"]> & { candidate: string }, c: ClusterRuntime, state: OperationState = {}, resumed = false): Run {
  const commands: string[] = [];
  const logs: string[] = [];
  const run: Run = {
    commands,
    logs,
    state,
    results: {},
    ctx: {
      op: { id: randomUUID(), kind: "switchover", fromPrimary: null, reason: "test switchover", ...op },
      cluster: c,
      state,
      setState: async (patch) => {
        Object.assign(state, patch);
      },
      log: (m) => logs.push(m),
      command: (t) => commands.push(t),
      signal: new AbortController().signal,
      resumed,
    },
  };
  return run;
}

/** Runs steps in order like the runner: stops at the first that throws and returns that error. */
async function runSteps(steps: StepDef[], run: Run, timing?: Record<string, number>): Promise<{ failedAt: string | null; error: unknown }> {
  for (const s of steps) {
    const t0 = performance.now();
    try {
      run.results[s.name] = await s.run(run.ctx);
    } catch (error) {
      return { failedAt: s.name, error };
    } finally {
      if (timing) timing[s.name] = Math.round(performance.now() - t0);
    }
  }
  return { failedAt: null, error: null };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const byName = (ms: MemberObservation[], n: string) => ms.find((m) => m.name === n)!;
const other = (n: string) => (n === "a" ? "b" : "a");

async function primaryNow(d: ClusterDriver): Promise<MemberObservation> {
  const obs = await d.observe();
  const w = obs.members.filter((m) => m.writable);
  expect(w.length).toBe(1);
  return w[0]!;
}

async function onMember<T>(name: "a" | "b", fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(pair.memberUrl(name, "postgres"), { max: 1, onnotice: () => undefined });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Waits until the pair is a writable primary plus a streaming standby. */
async function settled(d: ClusterDriver, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const obs = await d.observe();
    const w = obs.members.filter((m) => m.writable);
    const s = obs.members.filter((m) => m.role === "standby" && m.healthy);
    if (w.length === 1 && s.length === 1 && pair.routedTo() === w[0]!.name) return;
    if (Date.now() > deadline) throw new Error(`pair did not settle: ${JSON.stringify(obs.members.map((m) => [m.name, m.role, m.writable, m.message]))}`);
    await sleep(100);
  }
}

const measured: string[] = [];
afterAll(() => {
  // eslint-disable-next-line no-console
  if (measured.length) console.log(`pg-streaming measurements:\n  ${measured.join("\n  ")}`);
});

describe("postgres-streaming driver on the lab pair", () => {
  it("observes roles, positions, lag, timeline and the system identifier", async () => {
    const d = driver();
    await settled(d);
    const obs = await d.observe();
    expect(obs.error).toBeNull();
    const p = obs.members.find((m) => m.writable)!;
    const s = obs.members.find((m) => m.name !== p.name)!;
    expect(p.role).toBe("primary");
    expect(p.healthy).toBe(true);
    expect(p.position).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(p.positionBytes).toBe(parseLsn(p.position!));
    expect(p.timeline).toBeGreaterThanOrEqual(1);
    expect(s.role).toBe("standby");
    expect(s.writable).toBe(false);
    expect(s.healthy).toBe(true);
    expect(s.syncState).toBe("streaming/async");
    expect(s.lagBytes).toBeGreaterThanOrEqual(0);
    expect(s.lagSeconds).toBeGreaterThanOrEqual(0);
    expect(s.timeline).toBe(p.timeline);
    expect(typeof p.details.systemIdentifier).toBe("string");
    expect(s.details.systemIdentifier).toBe(p.details.systemIdentifier);
    expect(formatLsn(parseLsn("16/B374D848"))).toBe("16/B374D848");
  });

  it("reports a stopped member as down", async () => {
    const d = driver();
    const standby = (await d.observe()).members.find((m) => m.role === "standby")!.name as "a" | "b";
    const agent = new AgentClient(pair.agentUrl, TOKEN);
    await agent.stop(standby, "fast");
    try {
      const obs = await d.observe();
      const m = byName(obs.members, standby);
      expect(m.role).toBe("down");
      expect(m.healthy).toBe(false);
      expect(m.message).toBeTruthy();
    } finally {
      await agent.start(standby);
    }
    await settled(d);
  }, 60_000);

  const reports: WriteProbeReport[] = [];
  for (const round of [1, 2, 3]) {
    it(`switches over under write load without losing an acknowledged write (round ${round})`, async () => {
      const d = driver();
      await settled(d);
      const before = await primaryNow(d);
      const cand = other(before.name);
      const run = context({ candidate: cand, fromPrimary: before.name }, cluster());
      const probe = d.writeProbe(run.ctx.op.id)!;
      await probe.start();
      await sleep(300);
      const timing: Record<string, number> = {};
      const out = await runSteps(d.switchoverSteps(), run, timing);
      await sleep(300);
      const report = await probe.stop();
      reports.push(report);
      measured.push(`switchover ${before.name}→${cand}: unavailable ${report.unavailableMs} ms, acked ${report.acked}, lost ${report.lostAcked}, errors ${JSON.stringify(report.errors)}, steps ${JSON.stringify(timing)}`);
      expect(out.error, String(out.error)).toBeNull();
      expect(report.lostAcked).toBe(0);
      expect(report.acked).toBeGreaterThan(10);
      expect(report.unavailableMs).toBeLessThan(15_000);
      const obs = await d.observe();
      expect(byName(obs.members, cand).writable).toBe(true);
      expect(byName(obs.members, before.name).role).toBe("standby");
      expect(byName(obs.members, before.name).healthy).toBe(true);
      expect(byName(obs.members, cand).timeline).toBeGreaterThan(before.timeline!);
      expect(run.state.fenceLsn).toMatch(/\//);
      expect(run.commands.some((c) => c.includes("pg_promote"))).toBe(true);
      expect(run.commands.some((c) => c.includes("/stop"))).toBe(true);
      expect(run.commands.join("\n")).not.toContain(pair.password);
      expect(run.logs.some((l) => l.startsWith("candidate replayed"))).toBe(true);
    }, 120_000);
  }

  it("does not promote again when a resumed run finds the candidate already promoted", async () => {
    const d = driver();
    await settled(d);
    const p = await primaryNow(d);
    const promote = d.switchoverSteps().find((s) => s.name === "promote")!;
    const run = context({ candidate: p.name }, cluster(), { promoteRequestedAt: new Date(Date.now() - 5_000).toISOString() }, true);
    const result = await promote.run(run.ctx);
    expect(result).toMatch(/already promoted/);
    expect(run.commands.some((c) => c.includes("pg_promote"))).toBe(false);
    expect(run.logs.some((l) => l.includes("not promoting again"))).toBe(true);
    expect((await primaryNow(d)).timeline).toBe(p.timeline);
  }, 60_000);

  it("refuses to promote on resume while the old primary accepts writes (needs attention)", async () => {
    const d = driver();
    await settled(d);
    const p = await primaryNow(d);
    const cand = other(p.name);
    const promote = d.switchoverSteps().find((s) => s.name === "promote")!;
    const run = context({ candidate: cand, fromPrimary: p.name }, cluster(), { promoteRequestedAt: new Date().toISOString(), fenceLsn: "0/0" }, true);
    await expect(promote.run(run.ctx)).rejects.toBeInstanceOf(NeedsAttention);
    expect(run.commands.some((c) => c.includes("pg_promote"))).toBe(false);
    const obs = await d.observe();
    expect(byName(obs.members, cand).role).toBe("standby");
    expect(byName(obs.members, p.name).writable).toBe(true);
  }, 60_000);

  it("a catch-up that times out leaves the old primary writable and promotes nothing", async () => {
    const d = driver(true, { catchUpTimeoutMs: 1_500 });
    await settled(d);
    const before = await primaryNow(d);
    const cand = other(before.name) as "a" | "b";
    const run = context({ candidate: cand, fromPrimary: before.name }, cluster());
    const steps = d.switchoverSteps();
    const fenceAt = steps.findIndex((s) => s.name === "fence");
    // preflight refuses a candidate with replay paused: pause it after preflight, as if replay stalled mid-switchover
    expect((await runSteps(steps.slice(0, fenceAt), run)).error).toBeNull();
    await onMember(cand, (sql) => sql`select pg_wal_replay_pause()`);
    try {
      const out = await runSteps(steps.slice(fenceAt), run);
      expect(out.failedAt).toBe("catch_up");
      expect(out.error).not.toBeInstanceOf(NeedsAttention);
      expect(String(out.error)).toMatch(/did not replay .* restarted as the primary, nothing promoted/);
      expect(run.commands.some((c) => c.includes("pg_promote"))).toBe(false);
      const obs = await d.observe();
      expect(byName(obs.members, before.name).writable).toBe(true);
      expect(byName(obs.members, cand).role).toBe("standby");
    } finally {
      await onMember(cand, (sql) => sql`select pg_wal_replay_resume()`);
    }
    await settled(d);
  }, 120_000);

  it("with SQL only (no agent): fences read-only, promotes, and parks the rejoin for a person", async () => {
    const d = driver(false);
    await settled(d);
    const before = await primaryNow(d);
    const cand = other(before.name);
    const run = context({ candidate: cand, fromPrimary: before.name }, cluster(false));
    const probe = d.writeProbe(run.ctx.op.id)!;
    await probe.start();
    await sleep(300);
    const out = await runSteps(d.switchoverSteps(), run);
    await sleep(300);
    const report = await probe.stop();
    measured.push(`SQL-fence switchover ${before.name}→${cand}: unavailable ${report.unavailableMs} ms, lost ${report.lostAcked}, errors ${JSON.stringify(report.errors)}`);
    expect(out.failedAt).toBe("rejoin");
    expect(out.error).toBeInstanceOf(NeedsAttention);
    expect(String(out.error)).toContain(`promoted ${cand}; ${before.name} is fenced read-only — rejoin it as a standby of ${cand}`);
    expect(run.state.rejoinPending).toBe(true);
    expect(report.lostAcked).toBe(0);
    expect(run.commands.some((c) => c.includes("ALTER SYSTEM SET default_transaction_read_only = on"))).toBe(true);
    const obs = await d.observe();
    expect(byName(obs.members, cand).writable).toBe(true);
    const old = byName(obs.members, before.name);
    expect(old.role).toBe("primary");
    expect(old.writable).toBe(false);
    expect(old.message).toMatch(/read-only/);

    // a person would now rejoin it; the agent-backed rejoin step does it for the tests that follow
    const fix = driver(true);
    const rejoinRun = context({ candidate: cand, fromPrimary: before.name }, cluster(), { oldPrimary: before.name });
    const rejoined = await fix.switchoverSteps().find((s) => s.name === "rejoin")!.run(rejoinRun.ctx);
    measured.push(`SQL-fence rejoin by the agent: ${rejoined}; ${rejoinRun.logs.join(" | ")}`);
    expect(rejoined).toMatch(/streams/);
    await settled(d, 60_000);
  }, 180_000);

  it("fails over after the primary is killed: promotes the standby, records the LSN gap, re-clones the old primary", async () => {
    const d = driver();
    await settled(d);
    const before = await primaryNow(d);
    const cand = other(before.name);
    const probe = pgWriteProbe(pair.routerUrl, randomUUID());
    await probe.start();
    await sleep(300);
    const lastObs = await d.observe();
    const last = lastObs.members.find((m) => m.writable)!;
    const lagAtKill = byName(lastObs.members, cand).lagBytes;
    const agent = new AgentClient(pair.agentUrl, TOKEN);
    await agent.kill(before.name);
    const run = context({ candidate: cand, fromPrimary: before.name, kind: "failover" }, cluster(), { oldPrimaryPosition: last.position! });
    const timing: Record<string, number> = {};
    const t0 = performance.now();
    const steps = d.failoverSteps();
    const upto = steps.findIndex((s) => s.name === "verify") + 1;
    const first = await runSteps(steps.slice(0, upto), run, timing);
    const actionToWritableMs = Math.round(performance.now() - t0);
    expect(first.error, String(first.error)).toBeNull();
    const rest = await runSteps(steps.slice(upto), run, timing);
    expect(rest.error, String(rest.error)).toBeNull();
    await sleep(300);
    const report = await probe.stop();
    measured.push(
      `failover (kill -9 ${before.name}) → ${cand} writable: ${actionToWritableMs} ms (steps ${JSON.stringify(timing)}); probe unavailable ${report.unavailableMs} ms, lost ${report.lostAcked} of ${report.acked}; standby lag just before the kill ${String(lagAtKill)} bytes; lsn gap ${String(run.state.lsnGapBytes)} bytes`,
    );
    expect(run.state.primaryLostAt).toBeTruthy();
    expect(run.state.candidatePositionAtPromote).toMatch(/\//);
    expect(typeof run.state.lsnGapBytes).toBe("number");
    expect(run.commands.some((c) => c.includes("/reclone"))).toBe(true);
    const obs = await d.observe();
    expect(byName(obs.members, cand).writable).toBe(true);
    expect(byName(obs.members, before.name).role).toBe("standby");
    expect(byName(obs.members, before.name).healthy).toBe(true);
    await settled(d);
  }, 240_000);

  it("refuses a failover while the primary is up", async () => {
    const d = driver();
    const p = await primaryNow(d);
    const run = context({ candidate: other(p.name), kind: "failover" }, cluster());
    const out = await runSteps(d.failoverSteps(), run);
    expect(out.failedAt).toBe("confirm");
    expect(String(out.error)).toMatch(/the primary is up .*use a switchover/);
  });

  it("writes through a multi-host URL with target_session_attrs=read-write", async () => {
    const d = driver();
    const p = await primaryNow(d);
    const s = pair.members.find((m) => m.name !== p.name)!;
    const url = `postgres://${pair.user}:${encodeURIComponent(pair.password)}@127.0.0.1:${s.port},127.0.0.1:${p.port}/postgres?target_session_attrs=read-write`;
    const probe = pgWriteProbe(url, randomUUID());
    await probe.start();
    await sleep(300);
    const r = await probe.stop();
    expect(r.acked).toBeGreaterThan(5);
    expect(r.lostAcked).toBe(0);
  });
});
