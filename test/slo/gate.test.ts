/**
 * The deploy gate on a real PostgreSQL and over real HTTP: the route's fetch
 * handler is served by a plain node:http server on 127.0.0.1 (what Next's
 * server does for it) and called with fetch and with the `curl -fsS` line from
 * docs/deploy-gate.md. Remaining budget is set directly in slo_status (the
 * evaluator's output) so every policy tier can be hit exactly.
 */
import { execFile } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { closeDb } from "@/db/client";
import { auditLog, events, gateOverrides, services } from "@/db/schema";
import { zodFieldErrors } from "@/server/core/verb";
import { gateAnswer } from "@/server/slo/gate";
import { DEFAULT_POLICY_TIERS } from "@/server/slo/schemas";
import type { GateAnswer } from "@/server/slo/types";
import { GET } from "@/app/api/v1/gate/route";
import { testDb, type TestDb } from "../db";
import { makeUser, type MadeUser } from "../factories";
import { callerFor, trpcErrorOf } from "../trpc";

const run = promisify(execFile);

let t: TestDb;
let admin: MadeUser;
let operator: MadeUser;
let viewer: MadeUser;
let ordersId: string;
let apiSlo: string;
let webSlo: string;
let gateToken: string;
let otherServiceToken: string;
let sliOnlyToken: string;
let server: http.Server;
let base: string;

/** Serves fetch-style route handlers over real HTTP, as the custom server hands requests to Next. */
function serve(routes: Record<string, (req: Request) => Promise<Response>>): Promise<http.Server> {
  const s = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    const handler = routes[url.pathname];
    if (!handler) return void res.writeHead(404).end();
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(url, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
      duplex: "half",
    } as RequestInit);
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  return new Promise((resolve) => s.listen(0, "127.0.0.1", () => resolve(s)));
}

/** Through the lead's createSlo verb, as the UI creates them. */
async function makeSlo(serviceId: string, key: string): Promise<string> {
  const slo = await callerFor(t.db, admin.actor).slo.create({ service: serviceId, key, name: key, sli: { source: "push" }, objective: 0.999, window: { kind: "rolling", days: 30 } });
  return slo.id;
}

/** What the evaluator would have written: null is "never evaluated / no data". */
async function setRemaining(sloId: string, remaining: number | null): Promise<void> {
  await t.sql`
    insert into slo_status (slo_id, remaining, state) values (${sloId}, ${remaining}, ${remaining === null ? "no_data" : "ok"})
    on conflict (slo_id) do update set remaining = excluded.remaining, state = excluded.state`;
}

beforeAll(async () => {
  t = await testDb();
  await closeDb();
  process.env.DATABASE_URL = t.url;
  [admin, operator, viewer] = await Promise.all([makeUser(t.db, { role: "admin" }), makeUser(t.db, { role: "operator" }), makeUser(t.db, { role: "viewer" })]);
  const [o, p] = await t.db.insert(services).values([{ name: "orders" }, { name: "payments" }]).returning();
  ordersId = o!.id;
  apiSlo = await makeSlo(ordersId, "orders-api");
  webSlo = await makeSlo(ordersId, "orders-web");
  await makeSlo(p!.id, "payments-api");
  const slo = callerFor(t.db, admin.actor).slo;
  await slo.savePolicy({ name: "Default", service: "orders", tiers: DEFAULT_POLICY_TIERS });
  gateToken = (await slo.createToken({ service: "orders", name: "ci", scopes: ["gate:read"] })).token;
  otherServiceToken = (await slo.createToken({ service: "payments", name: "ci", scopes: ["gate:read", "sli:write"] })).token;
  sliOnlyToken = (await slo.createToken({ service: "orders", name: "ingest", scopes: ["sli:write"] })).token;
  server = await serve({ "/api/v1/gate": GET });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await closeDb();
  await t.close();
});

const as = (u: MadeUser) => callerFor(t.db, u.actor).slo;

async function gate(service = "orders", token = gateToken): Promise<{ status: number; body: GateAnswer & { error?: string } }> {
  const res = await fetch(`${base}/api/v1/gate?service=${encodeURIComponent(service)}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as GateAnswer & { error?: string } };
}

describe("gate answers per policy tier (default 3-tier service policy)", () => {
  it.each([
    [0.6, 200, [], []],
    [0.4, 200, [], ["Notify owners"]],
    [0.2, 200, [], ["Risky changes need review"]],
    [0, 423, ["Freeze deploys except fixes"], []],
    [-0.3, 423, ["Freeze deploys except fixes"], []],
    [null, 200, [], []],
  ])("remaining %s → HTTP %s", async (remaining, status, reasonTiers, warningTiers) => {
    await setRemaining(apiSlo, remaining);
    await setRemaining(webSlo, 0.9);
    const { status: got, body } = await gate();
    expect(got).toBe(status);
    expect(body.allowed).toBe(status === 200);
    expect(body.service).toEqual({ id: ordersId, name: "orders" });
    expect(body.reasons.map((r) => r.tier)).toEqual(reasonTiers);
    expect(body.warnings.map((r) => r.tier)).toEqual(warningTiers);
    for (const r of [...body.reasons, ...body.warnings]) expect(r).toMatchObject({ slo: { id: apiSlo, key: "orders-api", name: "orders-api" }, remaining, policy: "Default" });
    expect(body.override).toBeNull();
  });

  it("an SLO never evaluated (no status row) puts no tier in effect", async () => {
    await t.sql`delete from slo_status where slo_id in (${apiSlo}, ${webSlo})`;
    const { status, body } = await gate();
    expect(status).toBe(200);
    expect(body.reasons).toEqual([]);
    expect(body.warnings).toEqual([]);
  });

  it("names every blocking SLO when several are frozen", async () => {
    await setRemaining(apiSlo, 0);
    await setRemaining(webSlo, -1);
    const { status, body } = await gate(ordersId);
    expect(status).toBe(423);
    expect(body.reasons.map((r) => r.slo.key).sort()).toEqual(["orders-api", "orders-web"]);
  });

  it("the answer from the API and from the router agree", async () => {
    await setRemaining(apiSlo, 0.3);
    await setRemaining(webSlo, 0.9);
    const viaRouter = await as(viewer).gate({ service: "Orders" });
    const { body } = await gate();
    expect(body.warnings).toEqual(viaRouter.warnings);
    expect(body.allowed).toBe(viaRouter.allowed);
  });
});

describe("policy precedence and edits", () => {
  it("an SLO's own policy wins over its service's, and an edit takes effect at once", async () => {
    await setRemaining(apiSlo, 0.4);
    await setRemaining(webSlo, 0.4);
    expect((await gateAnswer(t.db, "orders")).allowed).toBe(true);
    const strict = await as(admin).savePolicy({ name: "Strict API", sloId: apiSlo, tiers: [{ name: "Freeze below half", below: 0.5, action: "freeze" }] });
    let answer = await gateAnswer(t.db, "orders");
    expect(answer.allowed).toBe(false);
    expect(answer.reasons).toEqual([{ slo: { id: apiSlo, key: "orders-api", name: "orders-api" }, tier: "Freeze below half", action: "freeze", remaining: 0.4, policy: "Strict API" }]);
    // orders-web still follows the service policy.
    expect(answer.warnings.map((w) => [w.slo.key, w.tier])).toEqual([["orders-web", "Notify owners"]]);
    await as(admin).savePolicy({ id: strict.id, name: "Strict API", sloId: apiSlo, tiers: [{ name: "Freeze below a third", below: 0.33, action: "freeze" }] });
    answer = await gateAnswer(t.db, "orders");
    expect(answer.allowed).toBe(true);
    await as(admin).deletePolicy({ id: strict.id });
    answer = await gateAnswer(t.db, "orders");
    expect(answer.warnings.map((w) => [w.slo.key, w.tier, w.policy])).toEqual([
      ["orders-api", "Notify owners", "Default"],
      ["orders-web", "Notify owners", "Default"],
    ]);
  });

  it("a service without any policy is never gated", async () => {
    const other = await gateAnswer(t.db, "payments");
    expect(other).toMatchObject({ allowed: true, reasons: [], warnings: [] });
  });

  it("an unknown service is NOT_FOUND from the router (and not created)", async () => {
    expect((await trpcErrorOf(as(viewer).gate({ service: "nope" }))).code).toBe("NOT_FOUND");
    expect(await t.db.select().from(services).where(eq(services.name, "nope"))).toEqual([]);
  });
});

describe("overrides", () => {
  it("an admin's override lets a frozen service through, listing the reasons, until it expires", async () => {
    await setRemaining(apiSlo, 0);
    await setRemaining(webSlo, 0.9);
    expect((await gate()).status).toBe(423);
    const o = await as(admin).grantOverride({ service: "orders", justification: "Hotfix for the checkout outage, INC-42", durationMinutes: 60 });
    expect(o).toMatchObject({ serviceId: ordersId, serviceName: "orders", createdBy: admin.row.email, revokedAt: null });
    expect(o.expiresAt.getTime() - o.createdAt.getTime()).toBeCloseTo(60 * 60_000, -3);
    const { status, body } = await gate();
    expect(status).toBe(200);
    expect(body.allowed).toBe(true);
    expect(body.reasons.map((r) => r.slo.key)).toEqual(["orders-api"]);
    expect(body.override).toMatchObject({ id: o.id, justification: "Hotfix for the checkout outage, INC-42" });
    // Who granted it is in the audit log and the UI, not in an answer that lands in (often public) CI logs.
    expect(JSON.stringify(body)).not.toContain(admin.row.email);
    // The same override seen an hour and a minute later has expired.
    const later = await gateAnswer(t.db, "orders", new Date(o.expiresAt.getTime() + 60_000));
    expect(later.allowed).toBe(false);
    expect(later.override).toBeNull();
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, "slo.gate.override"));
    expect(audit).toMatchObject({ actorLabel: admin.row.email, targetId: ordersId });
    expect(audit!.details).toMatchObject({ overrideId: o.id, justification: "Hotfix for the checkout outage, INC-42", durationMinutes: 60 });
    const ev = await t.db.select().from(events).where(eq(events.type, "slo.gate.override"));
    expect(ev.map((e) => [e.topic, (e.payload as { overrideId: string }).overrideId])).toEqual([["slo", o.id]]);
    expect((await as(viewer).overrides()).map((x) => x.id)).toContain(o.id);

    const revoked = await as(admin).revokeOverride({ id: o.id });
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect((await gate()).status).toBe(423);
    // Revoking again changes nothing and writes no second audit row.
    await as(admin).revokeOverride({ id: o.id });
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, "slo.gate.override.revoke"))).toHaveLength(1);
    expect((await as(viewer).overrides()).find((x) => x.id === o.id)?.revokedAt).toBeInstanceOf(Date);
  });

  it("an expired override in the database does not open the gate", async () => {
    await setRemaining(apiSlo, 0);
    await t.db.insert(gateOverrides).values({ serviceId: ordersId, justification: "old one, long expired", expiresAt: new Date(Date.now() - 1000) });
    expect((await gate()).status).toBe(423);
  });

  it("viewers and operators cannot grant; a justification and a sane duration are required; unknown services are refused", async () => {
    const input = { service: "orders", justification: "Ship the fix for INC-43 now", durationMinutes: 30 };
    for (const u of [viewer, operator]) expect((await trpcErrorOf(as(u).grantOverride(input))).code).toBe("FORBIDDEN");
    const short = await trpcErrorOf(as(admin).grantOverride({ ...input, justification: "because" }));
    expect(short.code).toBe("BAD_REQUEST");
    expect(zodFieldErrors(short.cause as ZodError)).toHaveProperty("justification");
    const long = await trpcErrorOf(as(admin).grantOverride({ ...input, durationMinutes: 8 * 24 * 60 }));
    expect(zodFieldErrors(long.cause as ZodError)).toHaveProperty("durationMinutes");
    const unknown = await trpcErrorOf(as(admin).grantOverride({ ...input, service: "nope" }));
    expect(unknown.code).toBe("NOT_FOUND");
    expect((unknown.cause as { fieldErrors?: object }).fieldErrors).toHaveProperty("service");
    expect((await trpcErrorOf(as(operator).revokeOverride({ id: "00000000-0000-4000-8000-000000000000" }))).code).toBe("FORBIDDEN");
  });
});

describe("GET /api/v1/gate authentication", () => {
  it("401 without a token and with a revoked one, 403 for another service's token or a token without gate:read, 400 without ?service", async () => {
    const none = await fetch(`${base}/api/v1/gate?service=orders`);
    expect(none.status).toBe(401);
    expect((await gate("orders", otherServiceToken)).status).toBe(403);
    expect((await gate("orders", otherServiceToken)).body.error).toMatch(/payments/);
    expect((await gate("orders", sliOnlyToken)).status).toBe(403);
    // A name that is no service at all is also just "not your service".
    expect((await gate("does-not-exist")).status).toBe(403);
    const missing = await fetch(`${base}/api/v1/gate`, { headers: { authorization: `Bearer ${gateToken}` } });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { fieldErrors: object }).fieldErrors).toHaveProperty("service");

    const doomed = await as(admin).createToken({ service: "orders", name: "doomed", scopes: ["gate:read"] });
    expect((await gate("orders", doomed.token)).status).not.toBe(401);
    await as(admin).revokeToken({ id: doomed.view.id });
    expect((await gate("orders", doomed.token)).status).toBe(401);
  });

  it("the documented curl line fails a CI step on 423 (exit 22) and passes on 200", async () => {
    const curl = (token: string) =>
      run("curl", ["-fsS", "-H", `Authorization: Bearer ${token}`, `${base}/api/v1/gate?service=orders`]).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
      );
    await setRemaining(apiSlo, 0);
    await setRemaining(webSlo, 0.9);
    const frozen = await curl(gateToken);
    expect(frozen.code).toBe(22);
    // --fail-with-body: same exit code, and the reasons reach the CI log.
    const withBody = await run("curl", ["-sS", "--fail-with-body", "-H", `Authorization: Bearer ${gateToken}`, `${base}/api/v1/gate?service=orders`]).then(
      () => ({ code: 0, stdout: "" }),
      (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
    );
    expect(withBody.code).toBe(22);
    expect(JSON.parse(withBody.stdout)).toMatchObject({ allowed: false, reasons: [{ slo: { key: "orders-api" }, action: "freeze" }] });
    await setRemaining(apiSlo, 0.9);
    const open = await curl(gateToken);
    expect(open.code).toBe(0);
    expect(JSON.parse(open.stdout)).toMatchObject({ allowed: true });
  });
});
