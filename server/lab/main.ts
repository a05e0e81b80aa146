import { log } from "../log";
import { readLabFile, writeLabFile } from "./lab-file";
import { startLab } from "./lab-server";

/**
 * The lab role: sample services for the demo, a supervisor child like web and
 * worker. Ports and the control token come from lab.json (written by the
 * supervisor); knob changes are written back there so they survive restarts.
 */
process.env.BULWARK_ROLE ??= "lab";
const file = process.env.BULWARK_LAB_FILE;
const dbUrl = process.env.BULWARK_LAB_DB_URL;
const config = file ? readLabFile(file) : null;
if (!file || !dbUrl || !config) {
  log.fatal({ file }, "the lab needs BULWARK_LAB_FILE (a readable lab.json) and BULWARK_LAB_DB_URL");
  process.exit(2);
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
});
log.info({ services: lab.state().services.map((s) => ({ name: s.name, url: s.url, down: s.down })) }, "demo lab running");

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "lab stopping");
  await lab.stop().catch((err: unknown) => log.warn({ err }, "lab stop failed"));
  log.info("lab stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
