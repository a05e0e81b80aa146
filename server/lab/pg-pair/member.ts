import { spawn, type ChildProcess } from "node:child_process";
import { chownSync, closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import os from "node:os";
import postgres from "postgres";
import { formatLsn } from "../../failover/lsn";
import { binaries, isRoot, postgresOsUser } from "../../supervisor/embedded-pg";
import { sleep } from "../../core/sleep";

export type MemberName = "a" | "b";
export type PairLog = { info: (o: unknown, m?: string) => void; warn: (o: unknown, m?: string) => void };

/**
 * Server settings every member runs with. On the command line rather than in
 * postgresql.conf so a re-clone (which copies the other member's files) cannot
 * carry anything stale; postgresql.auto.conf stays free for primary_conninfo
 * and for what a driver sets with ALTER SYSTEM.
 */
export function memberFlags(name: MemberName, extra: string[]): string[] {
  return [
    "-c", "listen_addresses=127.0.0.1",
    "-c", "unix_socket_directories=",
    "-c", "max_connections=100",
    "-c", "shared_buffers=32MB",
    "-c", "wal_level=replica",
    "-c", "max_wal_senders=10",
    "-c", "wal_keep_size=256MB",
    "-c", "hot_standby=on",
    // lets a later pg_rewind work, and costs nothing measurable here
    "-c", "wal_log_hints=on",
    // the default 5 s retry would leave a re-pointed standby idle after its primary comes back
    "-c", "wal_retrieve_retry_interval=200ms",
    // lag in pg_stat_replication refreshed every second instead of every 10 s
    "-c", "wal_receiver_status_interval=1s",
    "-c", `cluster_name=bulwark-lab-${name}`,
    ...extra,
  ];
}

/** Hands a file written as root to the postgres OS user (the server must read and rewrite it). */
export function chownToPostgres(file: string): void {
  if (!isRoot()) return;
  const ids = postgresOsUser();
  chownSync(file, ids.uid, ids.gid);
}

/** postgresql.auto.conf with `primary_conninfo` replaced and a fence left by a driver removed. */
export function pointAt(dataDir: string, conninfo: string | null): void {
  const file = path.join(dataDir, "postgresql.auto.conf");
  const lines = existsSync(file) ? readFileSync(file, "utf8").split("\n") : [];
  // A standby is read-only anyway; left in place, an ALTER SYSTEM fence from the
  // switchover that demoted this member would make it read-only once promoted.
  const kept = lines.filter((l) => !/^\s*(primary_conninfo|default_transaction_read_only)\s*=/.test(l) && l.trim() !== "");
  if (conninfo) kept.push(`primary_conninfo = '${conninfo.replace(/'/g, "''")}'`);
  writeFileSync(file, kept.join("\n") + "\n", { mode: 0o600 });
  chownToPostgres(file);
}

export function markStandby(dataDir: string): void {
  const file = path.join(dataDir, "standby.signal");
  writeFileSync(file, "", { mode: 0o600 });
  chownToPostgres(file);
}

/** How a stop ended (the agent's stop answer). */
export type StopOutcome = {
  /** fast shutdown, and the postmaster exited by itself with code 0: the shutdown checkpoint was written and every connected walsender had it confirmed */
  clean: boolean;
  exitCode: number | null;
  checkpointLsn: string | null;
};

type Exit = { code: number | null; signal: NodeJS.Signals | null };

const DB_SHUTDOWNED = 1;

/**
 * The checkpoint LSN from global/pg_control when the control file says the
 * cluster was shut down cleanly (what pg_controldata prints as "Latest
 * checkpoint location"; the embedded binaries have no pg_controldata).
 * ControlFileData starts system_identifier u64 @0, pg_control_version u32 @8,
 * catalog_version_no u32 @12, state (DBState) @16, time i64 @24, checkPoint
 * u64 @32 — unchanged since PostgreSQL 11 (1100) — in host byte order. Any
 * other version or state: null (unknown), never a guess.
 */
export function shutdownCheckpointLsn(dataDir: string): string | null {
  try {
    const buf = readFileSync(path.join(dataDir, "global", "pg_control"));
    if (buf.length < 40) return null;
    const le = os.endianness() === "LE";
    const version = le ? buf.readUInt32LE(8) : buf.readUInt32BE(8);
    if (version < 1100 || version >= 10_000) return null;
    const state = le ? buf.readInt32LE(16) : buf.readInt32BE(16);
    if (state !== DB_SHUTDOWNED) return null;
    return formatLsn(le ? buf.readBigUInt64LE(32) : buf.readBigUInt64BE(32));
  } catch {
    return null;
  }
}

/**
 * One PostgreSQL server of the pair: its own process group (so a terminal's
 * Ctrl-C reaches only the parent), log appended to `<dataDir>.log`.
 */
export class Member {
  private child: ChildProcess | null = null;
  private exited: Promise<Exit> = Promise.resolve({ code: null, signal: null });
  /** how the last stop ended; reset by a start, so a crash after a restart is not reported as that stop */
  private lastStop: StopOutcome | null = null;

  constructor(
    readonly name: MemberName,
    readonly dataDir: string,
    readonly port: number,
    private readonly password: string,
    private readonly flags: string[],
  ) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get running(): boolean {
    return this.child !== null;
  }

  get isStandby(): boolean {
    return existsSync(path.join(this.dataDir, "standby.signal"));
  }

  url(db = "postgres"): string {
    return `postgres://postgres:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}/${db}`;
  }

  /** libpq conninfo a standby of this member uses (application_name = the standby's name). */
  conninfoFor(standby: MemberName): string {
    return `host=127.0.0.1 port=${this.port} user=postgres password=${this.password} application_name=${standby}`;
  }

  /** Starts the postmaster and waits until it accepts connections (a standby: once consistent). */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.child) return;
    const { postgres: bin } = await binaries();
    const logFile = `${this.dataDir}.log`;
    const fd = openSync(logFile, "a", 0o600);
    const child = spawn(bin, ["-D", this.dataDir, "-p", String(this.port), ...memberFlags(this.name, this.flags)], {
      ...(isRoot() ? postgresOsUser() : {}),
      env: { ...process.env, LC_MESSAGES: "C", PGPASSWORD: "" },
      detached: true,
      stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    this.child = child;
    this.lastStop = null;
    this.exited = new Promise<Exit>((resolve) =>
      child.once("exit", (code, signal) => {
        if (this.child === child) this.child = null;
        resolve({ code, signal });
      }),
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child !== child) throw new Error(`member ${this.name} exited on start: ${this.logTail()}`);
      const probe = postgres(this.url(), { max: 1, connect_timeout: 2, onnotice: () => undefined });
      try {
        await probe`select 1`;
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`member ${this.name} not accepting connections after ${timeoutMs} ms: ${this.logTail()}`, { cause: err });
      } finally {
        await probe.end({ timeout: 1 }).catch(() => undefined);
      }
      await sleep(50);
    }
  }

  /**
   * fast (SIGINT): sessions rolled back, shutdown checkpoint written and shipped to
   * the standby by the walsenders before they exit. immediate (SIGQUIT): no checkpoint.
   * A fast shutdown still running after `timeoutMs` is SIGKILLed: not clean.
   * Stopping a stopped member answers how its last stop ended (unknown: not clean).
   */
  async stop(mode: "fast" | "immediate" = "fast", timeoutMs = 30_000): Promise<StopOutcome> {
    const child = this.child;
    if (!child) return this.lastStop ?? { clean: false, exitCode: null, checkpointLsn: null };
    child.kill(mode === "fast" ? "SIGINT" : "SIGQUIT");
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      this.killGroup(child);
    }, timeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    await this.reapGroup(child);
    const clean = mode === "fast" && !killed && exit.code === 0 && exit.signal === null;
    this.lastStop = { clean, exitCode: exit.code, checkpointLsn: clean ? shutdownCheckpointLsn(this.dataDir) : null };
    return this.lastStop;
  }

  /** SIGKILL to the postmaster and everything it forked: a crash, for chaos and the failover benchmark. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.killGroup(child);
    const exit = await this.exited;
    await this.reapGroup(child);
    this.lastStop = { clean: false, exitCode: exit.code, checkpointLsn: null };
  }

  private killGroup(child: ChildProcess): void {
    if (!child.pid) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      child.kill("SIGKILL");
    }
  }

  /**
   * Backends outliving a killed postmaster keep its shared memory attached, and
   * a new postmaster refuses to start until they are gone: empty the group and
   * wait until only zombies (already detached) are left.
   */
  private async reapGroup(child: ChildProcess): Promise<void> {
    const pgid = child.pid;
    if (!pgid) return;
    const deadline = Date.now() + 5000;
    while (liveInGroup(pgid) && Date.now() < deadline) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        return;
      }
      await sleep(20);
    }
  }

  logTail(lines = 5): string {
    try {
      return readFileSync(`${this.dataDir}.log`, "utf8").trim().split("\n").slice(-lines).join(" | ");
    } catch {
      return "(no log)";
    }
  }
}

/** Whether a process other than a zombie is still in process group `pgid` (from /proc). */
function liveInGroup(pgid: number): boolean {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // fields after the parenthesised command: state ppid pgrp …
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(rest[2]) === pgid && rest[0] !== "Z") return true;
    } catch {
      // exited while we looked
    }
  }
  return false;
}
