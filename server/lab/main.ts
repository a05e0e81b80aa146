import path from "node:path";
import { log } from "../log";
import { readLabFile, writeLabFile } from "./lab-file";
import { startLab } from "./lab-server";
import type { LabClustersState } from "./schemas";
import { startPgPair, type PgPair } from "./pg-pair/pair";
import { labPgDir, loadLabPgSecrets } from "./pg-pair/secrets";
import { startLabWriter, type LabWriter } from "./pg-pair/writer";
import { redisTrioAvailable, startRedisTrio, type RedisTrio } from "./redis-trio";
import { LAB_REDIS_MASTER } from "./seed-lab-cluster";

/**
 * The lab role: sample services for the demo, a PostgreSQL pair with its
 * router, host agent and writer, and a Redis Sentinel trio when Redis is
 * installed; a supervisor child like web and worker. Ports and the control
 * token come from lab.json (written by the supervisor); knob changes are
 * written back there so they survive restarts.
 */
process.env.BULWARK_ROLE ??= "lab";
const file = process.env.BULWARK_LAB_FILE;
const dbUrl = process.env.BULWARK_LAB_DB_URL;
const config = file ? readLabFile(file) : null;
if (!file || !dbUrl || !config) {
  log.fatal({ file }, "the lab needs BULWARK_LAB_FILE (a readable lab.json) and BULWARK_LAB_DB_URL");
  process.exit(2);
}
const dataDir = path.dirname(file);

let pair: PgPair | null = null;
let writer: LabWriter | null = null;
let redis: RedisTrio | null = null;
let pgStatus: { status: "starting" | "running" | "failed"; error: string | null } = { status: "starting", error: null };
let redisStatus: { status: "off" | "starting" | "running" | "failed"; error: string | null } = config.redis && redisTrioAvailable()
  ? { status: "starting", error: null }
  : { status: "off", error: "redis-server and redis-sentinel are not installed (apt-get install -y redis-server redis-sentinel)" };
let stopping = false;
const aborted = new AbortController();

async function startPair(): Promise<void> {
  const t0 = Date.now();
  const secrets = loadLabPgSecrets(dataDir);
  const p = await startPgPair({
    dir: labPgDir(dataDir),
    ports: config?.pgPair,
    agentToken: secrets.agentToken,
    password: secrets.password,
    signal: aborted.signal,
    log: { info: (o, m) => log.info(o as object, m), warn: (o, m) => log.warn(o as object, m) },
  });
  if (stopping) return void (await p.stop());
  pair = p;
  pgStatus = { status: "running", error: null };
  writer = startLabWriter({ url: p.routerUrl, log: { info: (o, m) => log.info(o as object, m), warn: (o, m) => log.warn(o as object, m) } });
  log.info({ ms: Date.now() - t0, primary: p.routedTo(), router: p.routerPort, agent: p.agentUrl }, "lab PostgreSQL pair streaming; writer started");
}

async function startRedis(): Promise<void> {
  if (!config?.redis || !redisTrioAvailable()) return void log.info("lab Redis Sentinel trio off: redis-server / redis-sentinel are not installed");
  const r = await startRedisTrio({
    dir: path.join(dataDir, "lab-redis"),
    masterName: LAB_REDIS_MASTER,
    ports: { master: config.redis.master, replica: config.redis.replica, sentinels: config.redis.sentinels },
    signal: aborted.signal,
  });
  if (stopping) return void (await r.stop());
  redis = r;
  redisStatus = { status: "running", error: null };
  log.info({ master: r.master, sentinels: r.sentinels.map((s) => s.port) }, "lab Redis Sentinel trio running");
}

const lab = await startLab({
  ports: config.ports,
  token: config.token,
  checkoutDbUrl: dbUrl,
  knobs: config.knobs,
  onKnobsChange: (knobs) => {
    const current = readLabFile(file);
    if (current) writeLabFile(file, { ...current, knobs });
  },
  clusters: (): LabClustersState => ({
    pg: {
      ...pgStatus,
      routedTo: pair?.routedTo() ?? null,
      routerPort: pair?.routerPort ?? null,
      members: pair?.memberStates().map(({ name, port, running, standby }) => ({ name, port, running, standby })) ?? [],
      writer: writer ? (({ nextId: _n, ...w }) => w)(writer.stats()) : null,
    },
    redis: { ...redisStatus, master: redis?.master.port ?? null, sentinels: redis?.sentinels.map((s) => s.port) ?? [] },
  }),
});
log.info({ services: lab.state().services.map((s) => ({ name: s.name, url: s.url, down: s.down })) }, "demo lab running");
// The clusters are part of the demo, not of Bulwark: a failure is logged and the rest of the lab runs on.
const starting = Promise.all([
  startPair().catch((err: unknown) => {
    pgStatus = { status: "failed", error: err instanceof Error ? err.message : String(err) };
    log.error({ err }, "lab PostgreSQL pair failed to start");
  }),
  startRedis().catch((err: unknown) => {
    redisStatus = { status: "failed", error: err instanceof Error ? err.message : String(err) };
    log.error({ err }, "lab Redis Sentinel trio failed to start");
  }),
]);

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "lab stopping");
  // a start still under way stops what it started itself (it sees `stopping`): no server is left behind
  aborted.abort();
  await starting;
  await writer?.stop().catch((err: unknown) => log.warn({ err }, "lab writer stop failed"));
  await Promise.all([
    pair?.stop().catch((err: unknown) => log.warn({ err }, "lab PostgreSQL pair stop failed")),
    redis?.stop().catch((err: unknown) => log.warn({ err }, "lab Redis trio stop failed")),
    lab.stop().catch((err: unknown) => log.warn({ err }, "lab stop failed")),
  ]);
  log.info("lab stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
