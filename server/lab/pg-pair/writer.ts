import postgres from "postgres";
import type { PairLog } from "./member";

export type LabWriterStats = {
  /** inserts the server acknowledged (commit returned) */
  acked: number;
  errors: number;
  lastAckAt: string | null;
  /** the longest time between two acknowledged writes since the writer started */
  longestGapMs: number;
  lastError: string | null;
  nextId: number;
};

export type LabWriter = { stats: () => LabWriterStats; stop: () => Promise<void> };

/** errors a switchover causes: read-only fence, shutting down, the router cutting the connection */
const RETRYABLE = new Set(["25006", "57P01", "57P02", "57P03", "ECONNRESET", "ECONNREFUSED", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT", "EPIPE"]);

/**
 * The lab's steady write load through the router: one session inserting
 * sequential ids into lab_writes every ~20 ms, reconnecting at once after an
 * error, so the cluster page always has real writes to measure a switchover on.
 */
export function startLabWriter(opts: { url: string; intervalMs?: number; log?: PairLog }): LabWriter {
  const interval = opts.intervalMs ?? 20;
  const stats: LabWriterStats = { acked: 0, errors: 0, lastAckAt: null, longestGapMs: 0, lastError: null, nextId: 0 };
  let stopped = false;
  let wake: (() => void) | null = null;
  const pause = (ms: number) => new Promise<void>((r) => ((wake = r), setTimeout(r, ms)));
  // the router holds connections up to 15 s while there is no single primary
  const sql = postgres(opts.url, { max: 1, connect_timeout: 20, idle_timeout: 0, onnotice: () => undefined, connection: { application_name: "bulwark-lab-writer" } });

  const loop = async () => {
    let ready = false;
    let lastAck = 0;
    while (!stopped) {
      try {
        if (!ready) {
          await sql`create table if not exists lab_writes (id bigint primary key, at timestamptz not null default now())`;
          const [row] = await sql<{ next: string }[]>`select coalesce(max(id), 0) + 1 as next from lab_writes`;
          stats.nextId = Number(row?.next ?? 1);
          ready = true;
        }
        try {
          await sql`insert into lab_writes (id) values (${stats.nextId})`;
        } catch (err) {
          // the commit went through but its acknowledgement was lost with the connection: that id is taken
          if ((err as { code?: string }).code !== "23505") throw err;
        }
        const now = Date.now();
        if (lastAck) stats.longestGapMs = Math.max(stats.longestGapMs, now - lastAck);
        lastAck = now;
        stats.acked++;
        stats.lastAckAt = new Date(now).toISOString();
        stats.nextId++;
        // a lab left running for weeks should not fill the disk: keep the last hour
        if (stats.acked % 3000 === 0) await sql`delete from lab_writes where at < now() - interval '1 hour'`;
        await pause(interval);
      } catch (err) {
        if (stopped) break;
        stats.errors++;
        const code = (err as { code?: string }).code ?? "";
        stats.lastError = `${code ? `${code}: ` : ""}${err instanceof Error ? err.message : String(err)}`;
        if (!RETRYABLE.has(code)) {
          opts.log?.warn({ err: stats.lastError }, "lab writer error");
          await pause(1000);
        } else {
          // a refused connection fails at once: do not spin
          await pause(code === "ECONNREFUSED" ? 200 : 0);
        }
      }
    }
  };
  const running = loop();

  return {
    stats: () => ({ ...stats }),
    async stop() {
      stopped = true;
      wake?.();
      await sql.end({ timeout: 1 }).catch(() => undefined);
      await running;
    },
  };
}
