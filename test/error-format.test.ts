/**
 * What a client sees when a procedure fails, through the real fetch adapter
 * and the error formatter in server/trpc/init.ts.
 */
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { Actor } from "@/server/core/actor";
import { AppError } from "@/server/errors";
import { log } from "@/server/log";
import type { TrpcContext } from "@/server/trpc/context";
import { publicProcedure, router, viewerProcedure } from "@/server/trpc/init";
import { testDb, type TestDb } from "./db";
import { makeUser, requestId } from "./factories";
import { anonymous, ctxFor, ENDPOINT } from "./trpc";

const SECRET = "password=hunter2 at db.internal:5432";

const testRouter = router({
  boom: publicProcedure.query(() => {
    throw new Error(`connection failed: ${SECRET}`);
  }),
  boomTypeError: publicProcedure.mutation(() => {
    const o = JSON.parse("null") as { x: { y: number } };
    return o.x.y;
  }),
  conflict: publicProcedure.mutation(() => {
    throw new AppError("CONFLICT", "That name is taken", { fieldErrors: { name: ["That name is taken"] } });
  }),
  typed: publicProcedure.input(z.object({ count: z.number().int().min(1) })).query(({ input }) => input.count),
  private: viewerProcedure.query(() => "secret"),
});

type WireError = { message: string; code: number; data: { code: string; httpStatus: number; path?: string; requestId?: string; fieldErrors?: Record<string, string[]> } };
type WireBody = { error?: { json: WireError }; result?: { data: { json: unknown } } };

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function call(path: string, opts: { ctx: TrpcContext; input?: unknown; method?: "GET" | "POST" }): Promise<{ status: number; body: WireBody; text: string }> {
  const method = opts.method ?? "GET";
  const payload = opts.input === undefined ? undefined : JSON.stringify({ json: opts.input });
  const url = new URL(`http://bulwark.test${ENDPOINT}/${path}`);
  if (method === "GET" && payload) url.searchParams.set("input", payload);
  const req = new Request(url, method === "POST" ? { method, body: payload ?? "{}", headers: { "content-type": "application/json" } } : { method });
  const res = await fetchRequestHandler({ endpoint: ENDPOINT, req, router: testRouter, createContext: () => opts.ctx });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as WireBody, text };
}

const ctxWith = (actor: Actor = anonymous) => ctxFor(t.db, actor, { requestId: requestId() });

describe("error shape on the wire", () => {
  it("hides an unexpected error's message behind a generic one naming the request id", async () => {
    const errorLog = vi.spyOn(log, "error").mockImplementation(() => undefined);
    const ctx = ctxWith();
    const { status, body, text } = await call("boom", { ctx });
    expect(status).toBe(500);
    const err = body.error?.json;
    expect(err?.data.code).toBe("INTERNAL_SERVER_ERROR");
    expect(err?.message).toBe(`Something went wrong. Request id: ${ctx.requestId}`);
    expect(err?.data.requestId).toBe(ctx.requestId);
    expect(err?.data.path).toBe("boom");
    // Neither the message nor a stack trace (which would repeat it) reaches the client.
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("connection failed");
    expect(text).not.toMatch(/\bat .*\.ts:\d+/);
    // The log keeps the original, findable by the request id.
    expect(errorLog).toHaveBeenCalled();
    const [fields] = errorLog.mock.calls[0] as unknown as [{ err: Error; requestId: string; path: string }];
    expect(fields.requestId).toBe(ctx.requestId);
    expect(fields.path).toBe("boom");
    expect(fields.err.message).toContain("hunter2");
  });

  it("does the same for a runtime TypeError in a mutation", async () => {
    vi.spyOn(log, "error").mockImplementation(() => undefined);
    const ctx = ctxWith();
    const { status, body, text } = await call("boomTypeError", { ctx, method: "POST" });
    expect(status).toBe(500);
    expect(body.error?.json.message).toBe(`Something went wrong. Request id: ${ctx.requestId}`);
    expect(text).not.toMatch(/Cannot read properties/);
  });

  it("passes an AppError's code, message and field errors through", async () => {
    const ctx = ctxWith();
    const { status, body } = await call("conflict", { ctx, method: "POST" });
    expect(status).toBe(409);
    expect(body.error?.json).toMatchObject({
      message: "That name is taken",
      data: { code: "CONFLICT", httpStatus: 409, requestId: ctx.requestId, fieldErrors: { name: ["That name is taken"] } },
    });
  });

  it("turns input validation failures into BAD_REQUEST with field errors", async () => {
    const { status, body } = await call("typed", { ctx: ctxWith(), input: { count: 0.5 } });
    expect(status).toBe(400);
    expect(body.error?.json.data.code).toBe("BAD_REQUEST");
    expect(body.error?.json.data.fieldErrors?.count?.length).toBeGreaterThan(0);
  });

  it("answers a valid call normally", async () => {
    const { status, body } = await call("typed", { ctx: ctxWith(), input: { count: 3 } });
    expect(status).toBe(200);
    expect(body.result?.data.json).toBe(3);
  });

  it("answers 401 to an anonymous caller and 200 to a viewer on a viewer procedure", async () => {
    const anon = await call("private", { ctx: ctxWith() });
    expect(anon.status).toBe(401);
    expect(anon.body.error?.json.data.code).toBe("UNAUTHORIZED");
    const viewer = await makeUser(t.db, { role: "viewer" });
    const ok = await call("private", { ctx: ctxWith(viewer.actor) });
    expect(ok.status).toBe(200);
    expect(ok.body.result?.data.json).toBe("secret");
  });
});
