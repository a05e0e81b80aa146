/**
 * Retention of SLI data on a real PostgreSQL: sli_minutes month partitions
 * older than 62 days are dropped whole (hour/day rollups stay), idempotency
 * keys of pushed batches go after 36 days, the worker's partition upkeep
 * creates the months around now, and SLO breach events outlive the other
 * outbox rows so monthly reports can count them.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSliPartitions } from "@/server/slo/store/partitions";
import { pruneOnce } from "@/server/worker/retention";
import { testDb, type TestDb } from "../db";

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t.close();
});

const partitions = async () =>
  (
    await t.sql<{ name: string }[]>`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'sli_minutes'::regclass order by 1`
  ).map((r) => r.name);

const monthName = (offsetMonths: number) => {
  const d = new Date();
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offsetMonths, 1));
  return `sli_minutes_${m.getUTCFullYear()}${String(m.getUTCMonth() + 1).padStart(2, "0")}`;
};

describe("SLI retention", () => {
  it("drops sli_minutes months older than 62 days and batch keys older than 36 days (longer than events are accepted); keeps the rest", async () => {
    const [svc] = await t.sql<{ id: string }[]>`insert into services (name) values ('retained') returning id`;
    const [tok] = await t.sql<{ id: string }[]>`
      insert into api_tokens (service_id, name, token_hash, prefix, scopes) values (${svc!.id}, 'ci', ${randomBytes(16).toString("hex")}, 'blw_', '{sli:write}') returning id`;
    await t.sql`insert into sli_ingest_batches (token_id, idempotency_key, events, received_at) values
      (${tok!.id}, 'old', 10, now() - interval '37 days'), (${tok!.id}, 'recent', 10, now() - interval '34 days')`;
    expect(await partitions()).toContain(monthName(-6)); // the migration made 13 months

    const r = await pruneOnce(t.sql);
    expect(r.skipped).toBe(false);
    expect(r.sliPartitionsDropped).toBeGreaterThanOrEqual(9);
    const left = await partitions();
    expect(left).not.toContain(monthName(-4));
    expect(left).toContain(monthName(-1));
    expect(left).toContain(monthName(0));
    expect(left).toContain(monthName(1));
    const keys = await t.sql<{ idempotency_key: string }[]>`select idempotency_key from sli_ingest_batches order by 1`;
    expect(keys.map((k) => k.idempotency_key)).toEqual(["recent"]);

    // The hourly upkeep recreates no month that retention would drop again, and keeps next month ready.
    await ensureSliPartitions(t.sql);
    const after = await partitions();
    expect(after).toContain(monthName(1));
    expect(after).not.toContain(monthName(-4));
    expect((await pruneOnce(t.sql)).sliPartitionsDropped).toBe(0);
  });

  it("keeps SLO breach events for the monthly report after other outbox rows go (30 days), until 400 days", async () => {
    await t.sql`insert into events (type, topic, payload, created_at) values
      ('slo.breach', 'slo', '{}', now() - interval '90 days'),
      ('slo.recovered', 'slo', '{}', now() - interval '90 days'),
      ('slo.burn', 'slo', '{}', now() - interval '90 days'),
      ('slo.breach', 'slo', '{}', now() - interval '401 days')`;
    await pruneOnce(t.sql);
    const left = await t.sql<{ type: string }[]>`select type from events where created_at < now() - interval '30 days' order by type`;
    expect(left.map((e) => e.type)).toEqual(["slo.breach", "slo.recovered"]);
  });
});
