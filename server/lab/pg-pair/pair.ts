/**
 * CONTRACT STUB — owned by the lab-pair helper.
 *
 * A primary + streaming standby of embedded PostgreSQL (the standby cloned
 * from the primary with pg_backup_start/stop + copy), a TCP router that always
 * forwards to the one writable member, and the host agent
 * (server/failover/agent-protocol.ts) that can stop / start / reclone / kill
 * members. Used by the lab process, the tests and bench:switchover.
 */
export type PgPairOptions = {
  /** data lives in <dir>/a and <dir>/b; reused on a restart */
  dir: string;
  /** preferred ports (0 or absent: any free port) */
  ports?: { a?: number; b?: number; router?: number; agent?: number };
  /** agent bearer token */
  agentToken: string;
  /** extra postgres -c flags (tests use fsync=off) */
  extraFlags?: string[];
  log?: { info: (o: unknown, m?: string) => void; warn: (o: unknown, m?: string) => void };
};

export type PgPair = {
  members: { name: "a" | "b"; host: "127.0.0.1"; port: number }[];
  /** superuser credentials shared by both members */
  user: string;
  password: string;
  routerPort: number;
  agentUrl: string;
  /** postgres://… through the router (database "postgres") */
  routerUrl: string;
  /** a member's own URL */
  memberUrl: (name: "a" | "b", db?: string) => string;
  /** which member the router currently forwards to (null while it holds connections) */
  routedTo: () => "a" | "b" | null;
  stop: () => Promise<void>;
};

export async function startPgPair(_opts: PgPairOptions): Promise<PgPair> {
  throw new Error("CONTRACT STUB: startPgPair");
}
