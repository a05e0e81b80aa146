/**
 * Real local targets for the probe tests: servers on 127.0.0.1 started and
 * stopped by each file, certificates made with the system's openssl, and
 * daemons (redis-server, pgbouncer) run as child processes on kernel-picked
 * ports.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { ProbeContext } from "@/server/health/probe-types";

export const ctx = (timeoutMs = 3000, signal: AbortSignal = new AbortController().signal): ProbeContext => ({ signal, timeoutMs });

/** Listens on 127.0.0.1 with a kernel-picked port. */
export async function listen(server: net.Server | Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  if (!addr || typeof addr !== "object") throw new Error("no address");
  return addr.port;
}

/** Closes a server and every connection it still holds. */
export async function close(server: net.Server | Server): Promise<void> {
  if ("closeAllConnections" in server) server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  const port = await listen(s);
  await close(s);
  return port;
}

/** Raw TCP server: `onSocket` decides what (if anything) to write; tracks open sockets. */
export function rawServer(onSocket: (socket: net.Socket) => void = () => undefined) {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.resume(); // consume what the client sends, so its FIN is seen and 'close' follows
    onSocket(socket);
  });
  return {
    server,
    sockets,
    accepted: () => accepted,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await close(server);
    },
  };
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const tempDir = (prefix: string): string => mkdtempSync(path.join(os.tmpdir(), `bulwark-${prefix}-`));

export function hasBinary(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"]) {
    const p = path.join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/** Starts a daemon and returns a stopper that signals exactly this child and waits for it. */
export function daemon(bin: string, args: string[], opts: { uid?: number; gid?: number; cwd?: string } = {}) {
  const child: ChildProcess = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

export function postgresOsUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

// ---- certificates -------------------------------------------------------

export type TestCerts = {
  ca: string;
  /** signed by the test CA, for localhost, 127.0.0.1 and ::1 */
  valid: { key: string; cert: string };
  /** signed by the test CA, expires in 5 days */
  expiring: { key: string; cert: string };
  /** signed by the test CA, expired in 2020 */
  expired: { key: string; cert: string };
  /** signed by the test CA for another name only */
  wrongHost: { key: string; cert: string };
  /** self-signed, for localhost and 127.0.0.1 */
  selfSigned: { key: string; cert: string };
};

/** A throwaway CA and leaf certificates (EC P-256: fast to make), via `openssl req` and `openssl ca`. */
export function makeCerts(): TestCerts {
  const dir = tempDir("certs");
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const localSan = "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1";
  try {
    run(["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=Bulwark Test CA",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
    writeFileSync(path.join(dir, "index.txt"), "");
    writeFileSync(path.join(dir, "serial"), "1000\n");
    writeFileSync(
      path.join(dir, "ca.cnf"),
      [
        "[ca]", "default_ca = test_ca",
        "[test_ca]", `dir = ${dir}`, "database = $dir/index.txt", "new_certs_dir = $dir", "serial = $dir/serial",
        "default_md = sha256", "policy = any", "copy_extensions = copy", "unique_subject = no",
        "[any]", "commonName = supplied", "",
      ].join("\n"),
    );
    const leaf = (name: string, san: string, validity: string[]) => {
      run(["req", "-new", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", "/CN=localhost", "-addext", san]);
      run(["ca", "-batch", "-notext", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-in", `${name}.csr`, "-out", `${name}.pem`, ...validity]);
      return { key: readFileSync(path.join(dir, `${name}.key`), "utf8"), cert: readFileSync(path.join(dir, `${name}.pem`), "utf8") };
    };
    const valid = leaf("valid", localSan, ["-days", "365"]);
    const expiring = leaf("expiring", localSan, ["-days", "5"]);
    const expired = leaf("expired", localSan, ["-startdate", "20200101000000Z", "-enddate", "20200201000000Z"]);
    const wrongHost = leaf("wronghost", "subjectAltName=DNS:other.test", ["-days", "365"]);
    run(["req", "-x509", ...ec, "-keyout", "self.key", "-out", "self.pem", "-days", "30", "-subj", "/CN=localhost", "-addext", localSan]);
    const selfSigned = { key: readFileSync(path.join(dir, "self.key"), "utf8"), cert: readFileSync(path.join(dir, "self.pem"), "utf8") };
    return { ca: readFileSync(path.join(dir, "ca.pem"), "utf8"), valid, expiring, expired, wrongHost, selfSigned };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
