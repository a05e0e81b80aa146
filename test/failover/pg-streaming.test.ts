import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { closeSync, constants, existsSync, mkdtempSync, openSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentClient } from "@/server/adapters/postgres-streaming/agent-client";
import { createPostgresStreamingDriver } from "@/server/adapters/postgres-streaming/driver";
import { formatLsn, parseLsn } from "@/server/failover/lsn";
import type { StepOptions } from "@/server/adapters/postgres-streaming/steps-common";
import { pgWriteProbe } from "@/server/failover/pg-write-probe";
import {
  NeedsAttention, NothingChanged, type ClusterDriver, type ClusterRuntime, type MemberObservation, type OperationState, type StepContext, type StepDef, type WriteProbeReport,
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

type Run = { ctx: StepContext; commands: string[]; logs: string[]; state: OperationState; results: Record<string, string>; abort: (why: string) => void };

function context(op: Partial<StepContext["op"]> & { candidate: string }, c: ClusterRuntime, state: OperationState = {}, resumed = false): Run {
  const commands: string[] = [];
  const logs: string[] = [];
  const stopper = new AbortController();
  const run: Run = {
    abort: (why) => stopper.abort(new Error(why)),
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
      signal: stopper.signal,
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

  it("reports a standby the primary does not list under its member name as unhealthy (the fence could never check it)", async () => {
    await settled(driver());
    const c = cluster(false);
    const standby = (await driver().observe()).members.find((m) => m.role === "standby")!.name;
    c.config.members = c.config.members.map((m) => (m.name === standby ? { ...m, name: `${standby}-renamed` } : m));
    const d = createPostgresStreamingDriver(c);
    drivers.push(d);
    const m = byName((await d.observe()).members, `${standby}-renamed`);
    expect(m.role).toBe("standby");
    expect(m.healthy).toBe(false);
    expect(m.message).toMatch(new RegExp(`lists no replication connection named ${standby}-renamed: set application_name=${standby}-renamed`));
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
      expect(run.state.fenceClean).toBe(true);
      expect(run.state.shutdownCheckpointLsn).toMatch(/\//);
      expect(parseLsn(run.state.shutdownCheckpointLsn as string)).toBeGreaterThanOrEqual(parseLsn(run.state.fenceLsn!));
      expect(run.commands.some((c) => c.includes("pg_stat_replication"))).toBe(true);
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
      expect(out.error).toBeInstanceOf(NothingChanged);
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

  it("a catch-up stopped by the runner (abort while waiting) does not restart the old primary", async () => {
    const d = driver(true, { catchUpTimeoutMs: 60_000 });
    await settled(d);
    const before = await primaryNow(d);
    const old = before.name as "a" | "b";
    const cand = other(old) as "a" | "b";
    const agent = new AgentClient(pair.agentUrl, TOKEN);
    const run = context({ candidate: cand, fromPrimary: old }, cluster());
    const steps = d.switchoverSteps();
    const catchUpAt = steps.findIndex((s) => s.name === "catch_up");
    expect((await runSteps(steps.slice(0, 2), run)).error).toBeNull();
    // replay paused after preflight: the catch-up cannot finish and waits until the abort
    await onMember(cand, (sql) => sql`select pg_wal_replay_pause()`);
    try {
      expect((await runSteps(steps.slice(2, catchUpAt), run)).error).toBeNull();
      expect((await agent.member(old))?.running).toBe(false);
      const waiting = steps[catchUpAt]!.run(run.ctx);
      await sleep(1_000);
      const commandsAtAbort = run.commands.length;
      run.abort("lease lost (test)");
      const err = await waiting.then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(NothingChanged);
      expect(err).not.toBeInstanceOf(NeedsAttention);
      // no compensating action once stopped: the resuming worker decides (it might promote)
      await sleep(1_000);
      expect(run.commands.slice(commandsAtAbort).some((c) => c.includes("/start"))).toBe(false);
      expect((await agent.member(old))?.running).toBe(false);
      expect(byName((await d.observe()).members, cand).role).toBe("standby");
    } finally {
      await onMember(cand, (sql) => sql`select pg_wal_replay_resume()`);
    }
    // put the pair back as it was: the old primary shut down cleanly and restarts as the primary
    await agent.start(old);
    await settled(d);
    expect((await primaryNow(d)).name).toBe(old);
  }, 120_000);

  /**
   * A session whose backend cannot act on pg_terminate_backend until we let it:
   * pg_read_file() on a FIFO blocks in open(2) until a writer opens it, and
   * PostgreSQL's signal handlers restart that call (SA_RESTART).
   */
  async function lingeringSession(member: "a" | "b"): Promise<{ pid: number; release: () => void; end: () => Promise<void> }> {
    const fifo = path.join(dir, `linger-${randomUUID()}`);
    execFileSync("mkfifo", ["-m", "0666", fifo]);
    const sql = postgres(pair.memberUrl(member, "postgres"), { max: 1, onnotice: () => undefined });
    const [{ pid } = { pid: 0 }] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
    void sql`select pg_read_file(${fifo})`.catch(() => undefined);
    let released = false;
    const release = () => {
      if (released) return;
      // non-blocking: fails (ENXIO) instead of hanging when nobody reads the FIFO
      for (let i = 0; i < 50 && !released; i++) {
        try {
          closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
          released = true;
        } catch {
          execFileSync("sleep", ["0.1"]);
        }
      }
    };
    // the backend is inside open(2) once pg_stat_activity shows the query as active
    for (let i = 0; i < 100; i++) {
      const [r] = await onMember(member, (q) => q<{ state: string }[]>`select state from pg_stat_activity where pid = ${pid}`);
      if (r?.state === "active") break;
      await sleep(20);
    }
    return {
      pid,
      release,
      end: async () => {
        release();
        await sql.end({ timeout: 1 }).catch(() => undefined);
        rmSync(fifo, { force: true });
      },
    };
  }

  const backendAlive = (member: "a" | "b", pid: number) =>
    onMember(member, async (sql) => (await sql`select 1 from pg_stat_activity where pid = ${pid}`).length > 0);

  const resetFence = (member: "a" | "b") =>
    onMember(member, (sql) => sql`alter system reset default_transaction_read_only`.then(() => sql`select pg_reload_conf()`));

  it("the SQL fence waits until the client sessions it ended are gone before reading the fence LSN", async () => {
    const d = driver(false, { fenceTimeoutMs: 60_000 });
    await settled(d);
    const old = (await primaryNow(d)).name as "a" | "b";
    const run = context({ candidate: other(old), fromPrimary: old }, cluster(false));
    const steps = d.switchoverSteps();
    expect((await runSteps(steps.slice(0, 2), run)).error).toBeNull();
    const slow = await lingeringSession(old);
    try {
      let finished = false;
      const fencing = steps.find((s) => s.name === "fence")!.run(run.ctx).finally(() => (finished = true));
      // pg_terminate_backend has been sent and the backend is still there: the fence must still be waiting
      for (let i = 0; i < 500 && !run.commands.some((c) => c.includes("backend_start <=")); i++) await sleep(20);
      await sleep(1_000);
      expect(await backendAlive(old, slow.pid)).toBe(true);
      expect(finished).toBe(false);
      expect(run.state.fenceLsn).toBeUndefined();
      slow.release();
      const result = await fencing;
      expect(result).toMatch(/read-only/);
      expect(await backendAlive(old, slow.pid)).toBe(false);
      expect(run.state.fenceLsn).toMatch(/\//);
      expect(run.commands.some((c) => c.includes("pg_current_wal_insert_lsn"))).toBe(true);
      expect(run.logs.some((l) => /ended \d+ client session\(s\), none of the earlier ones is left/.test(l))).toBe(true);
      // a session opened after the fence is read-only by default, and did not hold the fence up
      await expect(onMember(old, (sql) => sql`create table after_fence_t (x int)`)).rejects.toThrow(/read-only/);
    } finally {
      await slow.end();
      await resetFence(old);
    }
    await settled(d);
  }, 120_000);

  it("a SQL fence whose ended sessions do not go away un-fences and changes nothing", async () => {
    const d = driver(false, { fenceTimeoutMs: 1_000 });
    await settled(d);
    const old = (await primaryNow(d)).name as "a" | "b";
    const run = context({ candidate: other(old), fromPrimary: old }, cluster(false));
    const steps = d.switchoverSteps();
    expect((await runSteps(steps.slice(0, 2), run)).error).toBeNull();
    const slow = await lingeringSession(old);
    try {
      const err = await steps.find((s) => s.name === "fence")!.run(run.ctx).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(NothingChanged);
      expect(String(err)).toMatch(/1 client session\(s\) older than the fence still there .* accepts writes again, nothing promoted/);
      expect(run.state.fenceLsn).toBeUndefined();
      expect(byName((await d.observe()).members, old).writable).toBe(true);
    } finally {
      await slow.end();
      await resetFence(old).catch(() => undefined);
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

  it("fails over without an agent while the old primary is unreachable: promotes, then needs attention because it was not fenced", async () => {
    const d = driver(false);
    await settled(d);
    const before = await primaryNow(d);
    const old = before.name as "a" | "b";
    const cand = other(old) as "a" | "b";
    const agent = new AgentClient(pair.agentUrl, TOKEN);
    // the pair's agent stops it; the driver under test has no agent and only sees a member that does not answer
    await agent.stop(old, "immediate");
    const run = context({ candidate: cand, fromPrimary: old, kind: "failover" }, cluster(false));
    const out = await runSteps(d.failoverSteps(), run);
    expect(out.failedAt).toBe("rejoin");
    expect(out.error).toBeInstanceOf(NeedsAttention);
    expect(String(out.error)).toContain(`promoted ${cand}; could not fence ${old} (unreachable): make sure it is down, and rejoin it as a standby of ${cand}, before it comes back`);
    expect(run.results.promote).toMatch(/promoted/);
    expect(run.results.verify).toMatch(/only writable member/);
    expect(run.results.fence).toMatch(/unreachable: not fenced/);
    expect(run.state.unfenced).toEqual([{ name: old, why: "unreachable" }]);
    expect(run.state.rejoinPending).toBe(true);
    expect(byName((await d.observe()).members, cand).writable).toBe(true);

    // what the person does: rebuild the old primary as a standby (here with the agent-backed rejoin)
    const fix = driver(true);
    const rejoinRun = context({ candidate: cand, fromPrimary: old, kind: "failover" }, cluster(), { oldPrimaries: [old] });
    expect(await fix.failoverSteps().find((s) => s.name === "rejoin")!.run(rejoinRun.ctx)).toMatch(/streams/);
    await settled(d, 60_000);
  }, 240_000);

  it("marks every step from the fence on as changing the cluster", () => {
    const d = driver();
    const marked = (steps: StepDef[]) => steps.filter((s) => s.changesCluster).map((s) => s.name);
    expect(marked(d.switchoverSteps())).toEqual(["fence", "catch_up", "promote", "rejoin", "verify"]);
    expect(marked(d.failoverSteps())).toEqual(["fence", "promote", "verify", "rejoin"]);
  });

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
