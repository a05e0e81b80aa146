import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { seedAdmin } from "@/db/seed/seed-admin";
import { type PreparedLab, prepareLab } from "../lab/prepare-lab";
import { seedLabSlos } from "../lab/seed-lab-slos";
import { seedLab } from "../lab/seed-lab";
import { LAB_REDIS_MASTER, seedLabClusters } from "../lab/seed-lab-cluster";
import { loadLabPgSecrets } from "../lab/pg-pair/secrets";
import { log } from "../log";
import { Child } from "./child";
import { type EmbeddedPg, startEmbeddedPg } from "./embedded-pg";
import { loadSecrets } from "./secrets";
import { waitForReady } from "./wait-ready";

/**
 * `npm start`: embedded PostgreSQL when DATABASE_URL is unset → migrations →
 * seed → build if missing → (demo lab) + web + worker → readiness → graceful
 * shutdown. The demo lab runs only on the embedded database and without --no-lab.
 */
const t0 = Date.now();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const args = new Set(process.argv.slice(2));
const port = Number(process.env.PORT ?? 3000);
const dataDir = path.resolve(process.env.BULWARK_DATA_DIR ?? path.join(root, ".bulwark-data"));
const distDir = process.env.BULWARK_NEXT_DIST || ".next";
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

let pg: EmbeddedPg | null = null;
let children: Child[] = [];
let shuttingDown = 0;

async function shutdown(signal: string, code = 0): Promise<never> {
  if (shuttingDown) {
    // One Ctrl-C or `kill` often arrives twice (the terminal's process group, then npm and tsx
    // relaying it): only a signal well after the first means "stop now".
    if (Date.now() - shuttingDown < 3000) return new Promise<never>(() => undefined);
    log.warn("second signal: exiting now; PostgreSQL finishes its fast shutdown on its own");
    pg?.stopNow();
    process.exit(1);
  }
  shuttingDown = Date.now();
  log.info({ signal }, "shutting down");
  await Promise.all(children.map((c) => c.stop()));
  if (pg) {
    await pg.stop();
    log.info("embedded PostgreSQL stopped");
  }
  log.info("bye");
  process.exit(code);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

try {
  const secrets = loadSecrets(dataDir);
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    pg = await startEmbeddedPg({
      dataDir: path.join(dataDir, "pg"),
      log,
    });
    databaseUrl = pg.url();
    log.info({ port: pg.port, dataDir: path.join(dataDir, "pg") }, "embedded PostgreSQL running");
  }

  await runMigrations(databaseUrl);
  log.info("migrations applied");

  const h = createDb(databaseUrl, 2);
  const admin = await seedAdmin(h.db, { email: process.env.BULWARK_ADMIN_EMAIL, password: process.env.BULWARK_ADMIN_PASSWORD });

  let lab: PreparedLab | null = null;
  if (args.has("--no-lab")) log.info("demo lab disabled (--no-lab)");
  else if (!pg) log.info("demo lab off: it runs only with the embedded database (DATABASE_URL is set)");
  else {
    lab = await prepareLab({ dataDir, pgPort: pg.port, avoid: [port] });
    // The seeded postgres component's password is sealed with this key.
    process.env.BULWARK_ENCRYPTION_KEY = secrets.encryptionKey;
    try {
      const r = await seedLab(h.db, { ports: lab.config.ports, pg: { port: pg.port, password: decodeURIComponent(new URL(pg.url()).password) }, previous: lab.previous });
      if (r.seeded) log.info({ components: r.seeded }, "demo lab: seeded service \"Demo lab\"");
      if (r.moved) log.info({ components: r.moved }, "demo lab: ports changed since the last start; components updated");
      const slos = await seedLabSlos(h.db);
      if (slos) log.info({ slos }, "demo lab: seeded its SLOs and budget policy");
    } catch (err) {
      // The lab is a demo: Bulwark itself still starts.
      log.error({ err }, "demo lab: seeding its components failed");
    }
    try {
      const { pgPair, redis } = lab.config;
      const c = await seedLabClusters(h.db, {
        pg: pgPair ? { ports: pgPair, ...loadLabPgSecrets(dataDir) } : null,
        redis: redis ? { sentinels: redis.sentinels, masterName: LAB_REDIS_MASTER } : null,
      });
      if (c.created.length) log.info({ clusters: c.created }, "demo lab: seeded its clusters");
      if (c.updated.length) log.info({ clusters: c.updated }, "demo lab: ports or secrets changed since the last start; clusters updated");
      if (c.skipped.length) log.warn({ clusters: c.skipped }, "demo lab: a cluster with the lab's name but another adapter exists; left alone");
      for (const f of c.failed) log.error({ cluster: f.name, error: f.error }, "demo lab: seeding a cluster failed");
    } catch (err) {
      log.error({ err }, "demo lab: seeding its clusters failed");
    }
  }
  await h.sql.end();
  if (admin) {
    const line = "─".repeat(60);
    process.stdout.write(
      `\n${line}\n  First start: an admin account was created. This is shown once.\n\n    email:    ${admin.email}\n    password: ${admin.password}\n\n  Sign in and change it under Settings. Add people there too.\n${line}\n\n`,
    );
  }

  if (!existsSync(path.join(root, distDir, "BUILD_ID"))) {
    log.info({ distDir }, "no Next.js build found: building it now (about 30 s, once)");
    const r = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
  }

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: secrets.authSecret,
    NEXTAUTH_SECRET: secrets.authSecret,
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}`,
    BULWARK_ENCRYPTION_KEY: secrets.encryptionKey,
    BULWARK_SKIP_MIGRATIONS: "1",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
  };
  const writeRunFile = () =>
    writeFileSync(
      path.join(dataDir, "run.json"),
      JSON.stringify({ supervisor: process.pid, port, ...Object.fromEntries(children.map((c) => [c.name, c.proc?.pid ?? null])) }),
    );
  // The web process finds the lab's control endpoint through lab.json, only when this start runs one.
  delete childEnv.BULWARK_LAB_FILE;
  const labEnv = lab ? { BULWARK_LAB_FILE: lab.file } : {};
  children = [
    ...(lab && pg
      ? [new Child("lab", ["server/lab/main.ts"], { ...childEnv, ...labEnv, BULWARK_ROLE: "lab", BULWARK_LAB_DB_URL: pg.url("postgres") }, root, log, () => writeRunFile())]
      : []),
    new Child("web", ["server/web/main.ts"], { ...childEnv, ...labEnv, BULWARK_ROLE: "web" }, root, log, () => writeRunFile()),
    new Child("worker", ["server/worker/main.ts"], { ...childEnv, BULWARK_ROLE: "worker" }, root, log, () => writeRunFile()),
  ];
  for (const c of children) c.start();

  await waitForReady(`http://127.0.0.1:${port}/api/health/ready`, 120_000);
  log.info({ ms: Date.now() - t0 }, `Bulwark is ready at http://localhost:${port}`);
} catch (err) {
  log.fatal({ err }, "start failed");
  await shutdown("startup failure", 1);
}
