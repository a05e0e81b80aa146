import postgres, { type Sql } from "postgres";
import type { ClusterRuntime } from "@/server/failover/types";

/**
 * One postgres.js client of a single connection per member and purpose,
 * reused for the life of a driver and dropped on any error so the next call
 * starts from a fresh connection instead of a wedged one.
 *
 * - "observe": statement_timeout 3 s: a state read that takes longer is an
 *   answer in itself (the member is not healthy).
 * - "admin": statement_timeout 60 s, for CHECKPOINT, ALTER SYSTEM, pg_promote
 *   and the terminate-backends fence.
 * connect_timeout is 1 s (the members are next to us; a switchover polls them
 * every few milliseconds and must not sit in a 30 s connect).
 */
export type Purpose = "observe" | "admin";
export type Member = { name: string; host: string; port: number };

const STATEMENT_TIMEOUT_MS: Record<Purpose, number> = { observe: 3_000, admin: 60_000 };

export class MemberConnections {
  private readonly clients = new Map<string, Sql>();

  constructor(private readonly cluster: ClusterRuntime<"postgres-streaming">) {}

  get members(): Member[] {
    return this.cluster.config.members;
  }

  member(name: string): Member {
    const m = this.cluster.config.members.find((x) => x.name === name);
    if (!m) throw new Error(`${name} is not a member of ${this.cluster.name}`);
    return m;
  }

  /** Runs `fn` on the member's client; an error discards that client, then propagates. */
  async run<T>(name: string, purpose: Purpose, fn: (sql: Sql) => Promise<T>): Promise<T> {
    const key = `${name}\u0000${purpose}`;
    let sql = this.clients.get(key);
    if (!sql) {
      sql = this.open(this.member(name), purpose);
      this.clients.set(key, sql);
    }
    try {
      return await fn(sql);
    } catch (err) {
      if (this.clients.get(key) === sql) this.clients.delete(key);
      void sql.end({ timeout: 0 }).catch(() => undefined);
      throw err;
    }
  }

  /** The psql line an operator would type for `statement` on this member (no password). */
  psql(name: string, statement: string): string {
    const m = this.member(name);
    const { user, database } = this.cluster.config;
    return `psql "host=${m.host} port=${m.port} user=${user} dbname=${database}" -c "${statement.replace(/"/g, '\\"')}"`;
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(all.map((s) => s.end({ timeout: 1 }).catch(() => undefined)));
  }

  private open(m: Member, purpose: Purpose): Sql {
    const { user, password, database } = this.cluster.config;
    return postgres({
      host: m.host,
      port: m.port,
      database,
      user,
      password: password ?? "",
      max: 1,
      connect_timeout: 1,
      idle_timeout: 30,
      max_lifetime: 600,
      prepare: false,
      fetch_types: false,
      onnotice: () => undefined,
      connection: { application_name: "bulwark-failover", statement_timeout: STATEMENT_TIMEOUT_MS[purpose] },
    });
  }
}
