import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { isRoot, postgresOsUser } from "../../supervisor/embedded-pg";
import { chownToPostgres, markStandby, pointAt, type Member, type MemberName } from "./member";

const run = promisify(execFile);

/**
 * Not copied: the WAL (the standby streams what it needs from the backup's
 * start, which wal_keep_size keeps on the primary) and the running server's
 * lock files. pg_wal's subdirectories must exist, empty.
 */
const SKIP = new Set(["pg_wal", "postmaster.pid", "postmaster.opts", "backup_label", "standby.signal", "recovery.signal"]);

/**
 * Makes `targetDir` a standby of the running `primary` with the low-level backup
 * API (the embedded binaries have no pg_basebackup): backup mode on, copy the
 * files, backup mode off, the backup label goes with the copy, then
 * standby.signal and primary_conninfo (application_name = the standby's name).
 */
export async function cloneFrom(primary: Member, targetDir: string, target: MemberName): Promise<void> {
  rmSync(targetDir, { recursive: true, force: true });
  const admin = postgres(primary.url(), { max: 1, onnotice: () => undefined });
  let label = "";
  try {
    // max: 1 keeps one session throughout: a non-exclusive backup ends with its session
    await admin`select pg_backup_start(${`bulwark-clone-${target}`}, true)`;
    try {
      await copyDataDir(primary.dataDir, targetDir);
    } finally {
      const [stop] = await admin<{ labelfile: string }[]>`select labelfile from pg_backup_stop(false)`;
      label = stop?.labelfile ?? "";
    }
  } finally {
    await admin.end({ timeout: 2 });
  }
  const labelFile = path.join(targetDir, "backup_label");
  writeFileSync(labelFile, label, { mode: 0o600 });
  chownToPostgres(labelFile);
  markStandby(targetDir);
  pointAt(targetDir, primary.conninfoFor(target));
}

async function copyDataDir(from: string, to: string): Promise<void> {
  mkdirSync(to, { mode: 0o700 });
  const entries = readdirSync(from).filter((e) => !SKIP.has(e));
  await cpTolerant(entries.map((e) => path.join(from, e)), to);
  const wal = path.join(to, "pg_wal");
  mkdirSync(wal, { mode: 0o700 });
  for (const sub of readdirSync(path.join(from, "pg_wal"))) {
    if (statSync(path.join(from, "pg_wal", sub)).isDirectory()) mkdirSync(path.join(wal, sub), { mode: 0o700 });
  }
  if (isRoot()) {
    const ids = postgresOsUser();
    await run("chown", ["-R", `${ids.uid}:${ids.gid}`, to]);
  }
}

/** `cp -a`, accepting files the running server removed while they were copied. */
async function cpTolerant(sources: string[], dest: string): Promise<void> {
  try {
    await run("cp", ["-a", ...sources, dest]);
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? "");
    const real = stderr.split("\n").filter((l) => l.trim() && !/No such file or directory/.test(l));
    if (real.length) throw new Error(`copying the data directory failed: ${real.join(" | ")}`, { cause: err });
  }
}

export const hasData = (dataDir: string) => existsSync(path.join(dataDir, "PG_VERSION"));
