/**
 * pgbouncer probe against a real PgBouncer (Debian package `pgbouncer`,
 * installed by .ci/run) started by this file in front of the suite's embedded
 * PostgreSQL, with SCRAM auth from a userlist and a small pool, so a held
 * transaction shows up as pool use.
 */
import { chownSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { closePgClients } from "@/server/adapters/pg-clients";
import { pgbouncerProbe } from "@/server/adapters/pgbouncer";
import { seal } from "@/server/crypto/secrets";
import { pgbouncerConfig } from "@/server/health/schemas";
import { closedPort, ctx, daemon, hasBinary, postgresOsUser, tempDir, waitFor } from "./helpers";

const bin = hasBinary("pgbouncer");

describe.skipIf(!bin)("pgbouncer probe against a real PgBouncer [skipped when pgbouncer is not installed: apt-get install -y pgbouncer]", () => {
  let dir: string;
  let port: number;
  let bouncer: ReturnType<typeof daemon>;
  const cfg = (over: Record<string, unknown> = {}) =>
    pgbouncerConfig.parse({ host: "127.0.0.1", port, user: "probe_stats", password: "stats-pass", ...over });

  beforeAll(async () => {
    process.env.BULWARK_ENCRYPTION_KEY ??= "probe-test-key";
    const pg = new URL(inject("pgAdminUrl"));
    dir = tempDir("pgbouncer");
    port = await closedPort();
    const files = {
      "userlist.txt": ['"probe_stats" "stats-pass"', '"app_user" "app-pass"', '"someone" "else-pass"', ""].join("\n"),
      "pgbouncer.ini": [
        "[databases]",
        `app = host=${pg.hostname} port=${pg.port} dbname=postgres user=${decodeURIComponent(pg.username)} password=${decodeURIComponent(pg.password)} pool_size=4`,
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        `listen_port = ${port}`,
        "unix_socket_dir =",
        "auth_type = scram-sha-256",
        `auth_file = ${path.join(dir, "userlist.txt")}`,
        "stats_users = probe_stats",
        "pool_mode = transaction",
        "max_client_conn = 40",
        "default_pool_size = 5",
        `logfile = ${path.join(dir, "pgbouncer.log")}`,
        "",
      ].join("\n"),
    };
    const owner = postgresOsUser(); // PgBouncer will not run as root
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(path.join(dir, name), text, { mode: 0o600 });
      if (owner) chownSync(path.join(dir, name), owner.uid, owner.gid);
    }
    if (owner) chownSync(dir, owner.uid, owner.gid);
    bouncer = daemon(bin ?? "pgbouncer", [path.join(dir, "pgbouncer.ini")], owner ?? {});
    await waitFor(async () => (await pgbouncerProbe(cfg(), ctx(500))).ok, 10_000, `pgbouncer on ${port}: ${bouncer.output()}`);
  });
  afterAll(async () => {
    await closePgClients();
    await bouncer?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reads SHOW POOLS / DATABASES / CONFIG / STATS over the simple protocol", async () => {
    const r = await pgbouncerProbe(cfg(), ctx());
    expect(r).toMatchObject({ ok: true, warning: null, details: { maxClientConn: 40, defaultPoolSize: 5, waitingClients: 0 } });
    expect(r.message).toMatch(/^pools at \d+(\.\d+)?%.*, \d+\/40 clients$/);
    const d = r.details as { clientUtilizationPct: number; stats: { database: string }[] };
    expect(d.clientUtilizationPct).toBeGreaterThan(0); // the probe's own console connection counts
  });

  it("pool use from a held transaction, and the warning above maxPoolUtilizationPct", async () => {
    const app = postgres({ host: "127.0.0.1", port, database: "app", user: "app_user", password: "app-pass", max: 1, prepare: false, fetch_types: false, onnotice: () => undefined });
    let release: () => void = () => undefined;
    const holding = new Promise<void>((r) => (release = r));
    let inside: () => void = () => undefined;
    const entered = new Promise<void>((r) => (inside = r));
    const tx = app.begin(async (t) => {
      await t`select 1`;
      inside();
      await holding;
    });
    try {
      await entered;
      const r = await pgbouncerProbe(cfg({ maxPoolUtilizationPct: 20 }), ctx());
      expect(r.ok).toBe(true);
      const d = r.details as { poolUtilizationPct: number; pools: { name: string; poolSize: number; serversActive: number }[] };
      expect(d.poolUtilizationPct).toBe(25);
      expect(d.pools.find((p) => p.name.startsWith("app/"))).toMatchObject({ poolSize: 4, serversActive: 1 });
      expect(r.warning).toMatch(/^pool app\/\w+ at 25% \(limit 20%\)$/);
      expect((await pgbouncerProbe(cfg({ maxPoolUtilizationPct: 50 }), ctx())).warning).toBeNull();
    } finally {
      release();
      await tx;
      await app.end();
    }
  });

  it("accepts a sealed password; refuses a wrong one and a user not allowed on the console", async () => {
    expect(await pgbouncerProbe(cfg({ password: seal("stats-pass") }), ctx())).toMatchObject({ ok: true });
    const wrong = await pgbouncerProbe(cfg({ password: "nope" }), ctx());
    expect(wrong.ok).toBe(false);
    expect(wrong.message).toBe('authentication failed for user "probe_stats" (SASL authentication failed)');
    const notAllowed = await pgbouncerProbe(cfg({ user: "someone", password: "else-pass" }), ctx());
    expect(notAllowed.ok).toBe(false);
    expect(notAllowed.message).toBe('user "someone" may not use the admin console: add it to stats_users');
  });

  it("refused fails readably", async () => {
    expect(await pgbouncerProbe(cfg({ port: await closedPort() }), ctx())).toMatchObject({ ok: false, message: "connection refused" });
  });
});
