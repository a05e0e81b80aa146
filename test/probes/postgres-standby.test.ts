/**
 * postgres probe on a real streaming pair: a primary of its own (the suite's
 * shared cluster is left alone) and a hot standby cloned from it with the
 * low-level backup API (pg_backup_start/stop and a file copy: the embedded
 * binaries have no pg_basebackup). Covers what a lone primary cannot show:
 * role standby, replay lag in bytes and seconds (0 while an idle primary
 * writes nothing), per-standby lag seen from the primary, and the lag warning.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, chownSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePgClients } from "@/server/adapters/pg-clients";
import { postgresProbe } from "@/server/adapters/postgres";
import { postgresConfig } from "@/server/health/schemas";
import { startEmbeddedPg, type EmbeddedPg } from "@/server/supervisor/embedded-pg";
import { closedPort, ctx, postgresOsUser, tempDir, waitFor } from "./helpers";

const quiet = { info: () => undefined, warn: () => undefined };
const fast = ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];

let dir: string;
let primary: EmbeddedPg;
let standby: EmbeddedPg;
let password: string;

const cfgFor = (pg: EmbeddedPg, over: Record<string, unknown> = {}) =>
  postgresConfig.parse({ host: "127.0.0.1", port: pg.port, user: "postgres", password, ...over });
type Details = { role: string; lagBytes: number; lagSeconds: number; streaming: boolean; timeline: number; standbys: { name: string; state: string; lagBytes: number | null }[] };
const details = async (pg: EmbeddedPg, over: Record<string, unknown> = {}) => {
  const r = await postgresProbe(cfgFor(pg, over), ctx());
  if (!r.ok) throw new Error(r.message);
  return { ...r, d: r.details as Details };
};

beforeAll(async () => {
  dir = tempDir("pg-pair");
  primary = await startEmbeddedPg({ dataDir: path.join(dir, "primary"), preferredPort: 0, log: quiet, extraFlags: fast });
  password = decodeURIComponent(new URL(primary.url()).password);

  // Clone: backup mode on, copy the files, backup mode off, then the backup label goes with the copy.
  const admin = postgres(primary.url("postgres"), { max: 1, onnotice: () => undefined });
  const standbyDir = path.join(dir, "standby");
  try {
    await admin`select pg_backup_start('bulwark-probe-test', true)`;
    execFileSync("cp", ["-a", path.join(dir, "primary"), standbyDir]);
    const [stop] = await admin<{ labelfile: string }[]>`select labelfile from pg_backup_stop(false)`;
    writeFileSync(path.join(standbyDir, "backup_label"), stop?.labelfile ?? "");
  } finally {
    await admin.end();
  }
  rmSync(path.join(standbyDir, "postmaster.pid"), { force: true });
  writeFileSync(path.join(standbyDir, "standby.signal"), "");
  const owner = postgresOsUser();
  if (owner) for (const f of ["backup_label", "standby.signal"]) chownSync(path.join(standbyDir, f), owner.uid, owner.gid);
  appendFileSync(
    path.join(standbyDir, "postgresql.auto.conf"),
    `primary_conninfo = 'host=127.0.0.1 port=${primary.port} user=postgres password=${password} application_name=standby1'\n`,
  );
  // startEmbeddedPg keeps port and password next to the data directory: the clone has the primary's password.
  writeFileSync(path.join(dir, "standby.json"), JSON.stringify({ port: await closedPort(), password }));
  standby = await startEmbeddedPg({ dataDir: standbyDir, log: quiet, extraFlags: fast });
  await waitFor(async () => (await details(standby)).d.streaming, 15_000, "standby streaming");
}, 120_000);

afterAll(async () => {
  await closePgClients();
  await standby?.stop();
  await primary?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("postgres probe on a streaming primary/standby pair", () => {
  it("the standby: role, streaming, timeline, and zero lag while the idle primary writes nothing", async () => {
    await waitFor(async () => (await details(standby)).d.lagBytes === 0, 10_000, "standby caught up");
    await new Promise((r) => setTimeout(r, 1500)); // idle: now() - last replayed commit keeps growing, lag must not
    const { d, warning, message } = await details(standby, { maxLagSeconds: 1 });
    expect(d).toMatchObject({ role: "standby", streaming: true, lagBytes: 0, lagSeconds: 0, timeline: 1 });
    expect(warning).toBeNull();
    expect(message).toMatch(/^standby, timeline 1, \d+\/200 connections, lag 0 B \/ 0 s$/);
  });

  it("the primary: its standby by name, streaming, with its lag", async () => {
    const { d, message } = await details(primary);
    expect(d.role).toBe("primary");
    expect(d.standbys).toHaveLength(1);
    expect(d.standbys[0]).toMatchObject({ name: "standby1", state: "streaming" });
    expect(d.standbys[0]?.lagBytes).toBeGreaterThanOrEqual(0);
    expect(message).toMatch(/, 1 standby$/);
  });

  it("a standby behind its primary: lag in bytes and seconds, and the warning past maxLagSeconds", async () => {
    const onStandby = postgres(standby.url("postgres"), { max: 1, onnotice: () => undefined });
    const onPrimary = postgres(primary.url("postgres"), { max: 1, onnotice: () => undefined });
    try {
      // one commit replayed first, so the standby has a last-replayed timestamp to measure from
      await onPrimary`create table if not exists probe_lag (n int)`;
      await waitFor(async () => (await onStandby`select to_regclass('probe_lag') as t`)[0]?.t !== null, 10_000, "table replayed");
      await onStandby`select pg_wal_replay_pause()`;
      await onPrimary`insert into probe_lag select generate_series(1, 1000)`;
      await waitFor(async () => (await details(standby)).d.lagBytes > 0, 10_000, "WAL received but not replayed");
      await new Promise((r) => setTimeout(r, 1100));
      const { d, warning } = await details(standby, { maxLagSeconds: 1 });
      expect(d.lagBytes).toBeGreaterThan(0);
      expect(d.lagSeconds).toBeGreaterThan(1);
      expect(warning).toMatch(/^replay lag [\d.]+ s over the 1 s limit$/);
      expect((await details(standby, { maxLagSeconds: 3600 })).warning).toBeNull();
    } finally {
      await onStandby`select pg_wal_replay_resume()`;
      await onStandby.end();
      await onPrimary.end();
    }
    await waitFor(async () => (await details(standby)).d.lagBytes === 0, 10_000, "caught up again");
  });
});
