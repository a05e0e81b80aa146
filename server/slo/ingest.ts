/**
 * POST /api/v1/sli: a batch of pushed SLI events, all or nothing.
 *
 * A batch is checked whole before anything is written — schema, every event's
 * SLO (one query per batch, not per event), time range — and any invalid event
 * rejects it with per-item field errors (`events.3.good`). Accepted counts go
 * through addSliCounts, the one writer of SLI buckets.
 *
 * Idempotency: the (token, idempotency key) row in sli_ingest_batches and the
 * counts are written in one transaction, so a retried batch is either counted
 * once or not at all. Concurrent posts of the same key serialise on that row's
 * unique index: the second waits for the first to commit, then finds it and
 * answers "duplicate". The key names the batch; a second batch with a used key
 * is answered from the first, its content is not compared.
 *
 * No audit row per batch: this is machine traffic at thousands of batches an
 * hour, and sli_ingest_batches (token, key, event count, time) is the record.
 */
import type { Sql, TransactionSql } from "postgres";
import { AppError, type FieldErrors } from "../errors";
import { isUuid } from "../core/is-uuid";
import { zodFieldErrors } from "../core/verb";
import { DAY_MS, MINUTE_MS } from "./math/time";
import { type SliBatchInput, sliBatchInput } from "./schemas";
import { type SliCount, addSliCounts } from "./store/write-buckets";

export const MAX_FUTURE_MS = 5 * MINUTE_MS;
export const MAX_AGE_MS = 35 * DAY_MS;
/** Field errors returned for a rejected batch; a batch of 10,000 bad events gets a readable answer, not a 1 MB one. */
const MAX_FIELD_ERRORS = 100;

export interface IngestResult {
  accepted: number;
  duplicate: boolean;
  /** distinct (SLO, minute) buckets touched */
  minutes: number;
}

function reject(errors: FieldErrors, invalidEvents: number): never {
  const keys = Object.keys(errors);
  const shown: FieldErrors = {};
  for (const k of keys.slice(0, MAX_FIELD_ERRORS)) shown[k] = errors[k];
  if (keys.length > MAX_FIELD_ERRORS) shown._form = [`…and ${keys.length - MAX_FIELD_ERRORS} more invalid fields`];
  const first = keys[0];
  const what = first ? `${first}: ${errors[first]?.[0] ?? "invalid"}` : "invalid";
  const count = invalidEvents > 1 ? ` (${invalidEvents} invalid events)` : "";
  throw new AppError("BAD_REQUEST", `Batch rejected, nothing was recorded: ${what}${count}`, { fieldErrors: shown });
}

function parseBatch(raw: unknown, headerKey: string | null | undefined): SliBatchInput {
  const body = raw !== null && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
  if (!body) reject({ _form: ["Send a JSON object: {\"idempotencyKey\": …, \"events\": [...]}"] }, 0);
  const header = headerKey?.trim() || undefined;
  if (header !== undefined && typeof body.idempotencyKey === "string" && body.idempotencyKey.trim() !== header) {
    reject({ idempotencyKey: ["The body's idempotencyKey and the Idempotency-Key header differ"] }, 0);
  }
  const parsed = sliBatchInput.safeParse(body.idempotencyKey === undefined && header !== undefined ? { ...body, idempotencyKey: header } : body);
  if (!parsed.success) {
    const errors = zodFieldErrors(parsed.error);
    const bad = new Set(parsed.error.issues.filter((i) => i.path[0] === "events" && typeof i.path[1] === "number").map((i) => i.path[1]));
    reject(errors, bad.size);
  }
  return parsed.data;
}

type SloRow = { id: string; key: string; service_id: string; source: string | null };

/**
 * Every event's SLO, resolved with one query. `for key share` keeps the SLOs
 * from being deleted until the counts are in (the hour/day rollups reference them).
 */
async function resolveSlos(tx: TransactionSql, refs: string[]): Promise<Map<string, SloRow>> {
  const ids = refs.filter(isUuid);
  const keys = refs.map((r) => r.toLowerCase());
  const rows = await tx<SloRow[]>`
    select id, key, service_id, sli->>'source' as source from slos
    where key = any(${keys}::text[]) or id = any(${ids}::uuid[])
    for key share`;
  const out = new Map<string, SloRow>();
  for (const r of rows) {
    out.set(r.key, r);
    out.set(r.id, r);
  }
  return out;
}

function countsOf(batch: SliBatchInput, slos: Map<string, SloRow>, serviceId: string, now: number): SliCount[] {
  const errors: FieldErrors = {};
  let invalid = 0;
  const counts: SliCount[] = new Array(batch.events.length);
  const earliest = now - MAX_AGE_MS;
  const latest = now + MAX_FUTURE_MS;
  batch.events.forEach((e, i) => {
    const field = e.slo !== undefined ? "slo" : "key";
    const ref = (e.slo ?? e.key) as string;
    const slo = slos.get(ref) ?? slos.get(ref.toLowerCase());
    let bad = false;
    const fail = (f: string, msg: string) => {
      (errors[`events.${i}.${f}`] ??= []).push(msg);
      bad = true;
    };
    if (!slo) fail(field, `No SLO with id or key ${ref}`);
    else if (slo.service_id !== serviceId) fail(field, `SLO ${ref} belongs to another service than this token's`);
    else if (slo.source !== "push") fail(field, `SLO ${ref} takes its SLI from ${slo.source ?? "another source"}, not from pushed events`);
    const at = e.timestamp.getTime();
    if (Number.isNaN(at)) fail("timestamp", "timestamp must be ISO 8601 or epoch milliseconds");
    else if (at > latest) fail("timestamp", "timestamp is more than 5 minutes in the future");
    else if (at < earliest) fail("timestamp", at < 1e11 ? "timestamp is in the 1970s: send epoch milliseconds, not seconds" : "timestamp is more than 35 days old");
    if (bad) invalid += 1;
    else counts[i] = { sloId: slo!.id, at, good: e.good, total: e.total };
  });
  if (invalid > 0) reject(errors, invalid);
  return counts;
}

const NO_PARTITION = "23514";

async function ingestOnce(sql: Sql, auth: { tokenId: string; serviceId: string }, batch: SliBatchInput, now: number): Promise<IngestResult> {
  return sql.begin(async (tx) => {
    const [claimed] = await tx<{ events: number }[]>`
      insert into sli_ingest_batches (token_id, idempotency_key, events)
      values (${auth.tokenId}, ${batch.idempotencyKey}, ${batch.events.length})
      on conflict do nothing
      returning events`;
    if (!claimed) {
      const [seen] = await tx<{ events: number }[]>`
        select events from sli_ingest_batches where token_id = ${auth.tokenId} and idempotency_key = ${batch.idempotencyKey}`;
      return { accepted: seen?.events ?? 0, duplicate: true, minutes: 0 };
    }
    const refs = [...new Set(batch.events.map((e) => (e.slo ?? e.key) as string))];
    const counts = countsOf(batch, await resolveSlos(tx, refs), auth.serviceId, now);
    const { minutes } = await addSliCounts(tx, counts);
    return { accepted: batch.events.length, duplicate: false, minutes };
  });
}

/**
 * Parses, checks and records one batch. Throws AppError BAD_REQUEST (with
 * `events.N.field` errors) when anything in it is invalid; nothing is written then.
 */
export async function ingestSliBatch(
  sql: Sql,
  auth: { tokenId: string; serviceId: string },
  raw: unknown,
  headerKey?: string | null,
  now: number = Date.now(),
): Promise<IngestResult> {
  const batch = parseBatch(raw, headerKey);
  try {
    return await ingestOnce(sql, auth, batch, now);
  } catch (err) {
    // A month nobody has written to yet has no sli_minutes partition when the worker has not run for a while.
    if ((err as { code?: string }).code !== NO_PARTITION) throw err;
    await sql`select sli_minutes_ensure_partitions(2, 1)`;
    return ingestOnce(sql, auth, batch, now);
  }
}
