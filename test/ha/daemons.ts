/** Daemons of the HA lab: started in the background, their real PIDs read from pid files, stopped by PID only. */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const CLEAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Starts `argv` in the background with a clean environment (an inherited
 * PGPASSWORD would override Patroni's pgpass and break replication) and, as
 * root, as the OS user postgres. runuser forks, so the real PID is written
 * from inside the shell: `<dir>/<name>.pid`; output goes to `<dir>/<name>.log`.
 */
export async function startDaemon(opts: { dir: string; name: string; argv: string[]; home: string; asRoot: boolean }): Promise<string> {
  const pidFile = path.join(opts.dir, `${opts.name}.pid`);
  const logFile = path.join(opts.dir, `${opts.name}.log`);
  const env = [`PATH=${CLEAN_PATH}`, `HOME=${opts.home}`, "LC_ALL=C.UTF-8", "LANG=C.UTF-8", "PYTHONUNBUFFERED=1"];
  const script = `env -i ${env.map(q).join(" ")} ${opts.argv.map(q).join(" ")} >>${q(logFile)} 2>&1 </dev/null & echo $! >${q(pidFile)}`;
  if (opts.asRoot) await run("runuser", ["-u", "postgres", "--", "bash", "-c", script], { cwd: opts.dir });
  else await run("bash", ["-c", script], { cwd: opts.dir });
  return pidFile;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`HA lab: timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

export function readPid(file: string): number {
  try {
    const n = Number(readFileSync(file, "utf8").split("\n")[0]?.trim());
    return Number.isInteger(n) && n > 1 ? n : 0;
  } catch {
    return 0;
  }
}

/** Alive and not a zombie (zombies are reaped late here and `kill -0` still succeeds on them). */
export function alive(pid: number): boolean {
  if (!pid) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

export function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("postgres");
  } catch {
    return false;
  }
}

export async function stopPid(pid: number, timeoutMs: number, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (!alive(pid)) return;
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* gone meanwhile */
    }
    while (alive(pid) && Date.now() < deadline + 5000) await sleep(100);
  }
}

export function tailOf(file: string, lines = 25): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
