import { z } from "zod";

/**
 * The host agent for postgres-streaming clusters: a small HTTP service next to
 * the PostgreSQL data directories that can do what SQL cannot (stop a server,
 * restart it as a standby, re-clone it). The lab runs one for its pair
 * (server/lab/pg-pair/agent.ts); a site could run the same next to its own
 * servers. Every request carries `Authorization: Bearer <token>`.
 *
 *   GET  /v1/members                      → agentMembers
 *   POST /v1/members/:name/stop   {mode}  → agentStopResult   (fast: clean shutdown, walsenders ship the shutdown checkpoint;
 *                                                              stopping a stopped member answers how its last stop ended)
 *   POST /v1/members/:name/start  {primary?}  → agentOk       (primary set: start as its standby — standby.signal + primary_conninfo)
 *   POST /v1/members/:name/reclone {primary}  → agentOk       (wipe, copy from primary with pg_backup_start/stop, start as its standby)
 *   POST /v1/members/:name/kill           → agentOk           (SIGKILL the postmaster: chaos and the failover benchmark)
 *
 * Errors: 4xx/5xx with `{ error: string }`. Calls are synchronous: they return
 * when the action is done (stop: the postmaster has exited; start: accepting connections).
 */
export const agentMember = z.object({
  name: z.string(),
  port: z.number().int(),
  running: z.boolean(),
  pid: z.number().int().nullable(),
  /** standby.signal present in the data directory */
  standby: z.boolean(),
});
export const agentMembers = z.object({ members: z.array(agentMember) });
export type AgentMember = z.infer<typeof agentMember>;

export const agentStopInput = z.object({ mode: z.enum(["fast", "immediate"]).default("fast") });
export const agentStartInput = z.object({ primary: z.string().optional() });
export const agentRecloneInput = z.object({ primary: z.string() });

export const agentStopResult = z.object({
  ok: z.literal(true),
  stoppedAt: z.string(),
  /**
   * The postmaster exited by itself with code 0 after a fast shutdown request
   * (not killed after a timeout, not an immediate stop). Absent from an agent
   * that predates it: the driver then treats the shutdown as not known to be clean.
   */
  clean: z.boolean().optional(),
  exitCode: z.number().int().nullable().optional(),
  /** start of the shutdown checkpoint record (from pg_control), when the agent could read it */
  checkpointLsn: z.string().nullable().optional(),
});
export type AgentStopResult = z.infer<typeof agentStopResult>;
export const agentOk = z.object({ ok: z.literal(true), ms: z.number() });
export const agentError = z.object({ error: z.string() });
