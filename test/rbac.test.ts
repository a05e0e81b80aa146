/**
 * Authorization of every procedure, found by walking the router: a procedure
 * added later is covered without touching this file. Mutations and
 * subscriptions must refuse anonymous callers (UNAUTHORIZED) and viewers
 * (FORBIDDEN) unless listed below; queries must refuse anonymous callers
 * unless listed as public.
 */
import { type AnyProcedure, type ProcedureType, TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/server/core/actor";
import { appRouter } from "@/server/routers/_app";
import { testDb, type TestDb } from "./db";
import { makeUser } from "./factories";
import { stopProcessDb, useProcessDb } from "./live-env";
import { anonymous, callerFor } from "./trpc";

/** Mutations and subscriptions a viewer may call. Each entry needs a reason. */
const VIEWER_ALLOWED: Record<string, string> = {
  // Every signed-in person must be able to replace their own (possibly admin-issued one-time) password.
  "users.changeOwnPassword": "acts only on the caller's own account",
  // Read-only streams behind the dashboards every role sees; they carry ids and summaries, nothing to change.
  "live.events": "read-only stream of outbox events",
  "live.workers": "read-only stream of worker liveness",
  "live.auditTail": "read-only stream of new audit row ids (viewers can read the audit log)",
};

/** Queries an anonymous caller may call. */
const PUBLIC_QUERIES: Record<string, string> = {
  // The login page asks who is signed in; it returns null for anonymous callers.
  "system.me": "answers null when signed out",
};

type Proc = { path: string; type: ProcedureType };

// At runtime tRPC v11 keeps `_def.procedures` flat, keyed by the dotted path (its static type is the nested record).
const procedures: Proc[] = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>)
  .map(([path, p]) => ({ path, type: p._def.type }))
  .sort((a, b) => a.path.localeCompare(b.path));
const guarded = procedures.filter((p) => p.type === "mutation" || p.type === "subscription");
const queries = procedures.filter((p) => p.type === "query");

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> =>
  typeof v === "object" && v !== null && Symbol.asyncIterator in v;

/**
 * Calls a procedure by its dotted path through createCaller. A subscription
 * resolves to an async iterable; its first step is taken too (errors raised
 * inside the generator surface there). A subscription still waiting for data
 * after a moment has passed its checks and counts as success.
 */
async function invoke(t: TestDb, actor: Actor, path: string, input: unknown): Promise<Outcome> {
  const ac = new AbortController();
  const caller: unknown = callerFor(t.db, actor, { signal: ac.signal });
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  try {
    const value = await (fn as (input: unknown) => Promise<unknown>)(input);
    if (!isAsyncIterable(value)) return { ok: true, value };
    const iterator = value[Symbol.asyncIterator]();
    const first = iterator.next();
    first.catch(() => undefined); // rejected by the abort below when still pending
    try {
      const step = await Promise.race([first, new Promise<"waiting">((r) => setTimeout(() => r("waiting"), 300))]);
      return { ok: true, value: step };
    } finally {
      ac.abort();
      void iterator.return?.(undefined)?.catch(() => undefined);
    }
  } catch (error) {
    return { ok: false, error };
  }
}

function codeOf(o: Outcome): string {
  if (o.ok) return "OK";
  return o.error instanceof TRPCError ? o.error.code : `non-tRPC error: ${String(o.error)}`;
}

let t: TestDb;
let viewer: Actor;
let admin: Actor;

beforeAll(async () => {
  t = await testDb();
  // live.workers and system.workers use the process-wide bus, which reads DATABASE_URL.
  useProcessDb(t.url);
  viewer = (await makeUser(t.db, { role: "viewer" })).actor;
  admin = (await makeUser(t.db, { role: "admin" })).actor;
});

afterAll(async () => {
  await stopProcessDb();
  await t.close();
});

describe("procedure inventory", () => {
  it("finds procedures of every kind", () => {
    expect(procedures.length).toBeGreaterThan(0);
    expect(guarded.some((p) => p.type === "mutation")).toBe(true);
    expect(queries.length).toBeGreaterThan(0);
  });

  it("has no lazy routers whose procedures the walk would miss", () => {
    expect(Object.keys(appRouter._def.lazy)).toEqual([]);
  });

  it("allow-lists only name procedures that exist, of the right kind", () => {
    const byPath = new Map(procedures.map((p) => [p.path, p.type]));
    for (const path of Object.keys(VIEWER_ALLOWED)) expect(["mutation", "subscription"], path).toContain(byPath.get(path));
    for (const path of Object.keys(PUBLIC_QUERIES)) expect(byPath.get(path), path).toBe("query");
  });
});

for (const { path, type } of guarded) {
  describe(`${type} ${path}`, () => {
    it("refuses anonymous callers with UNAUTHORIZED", async () => {
      expect(codeOf(await invoke(t, anonymous, path, undefined))).toBe("UNAUTHORIZED");
    });

    if (path in VIEWER_ALLOWED) {
      it(`lets a viewer through (${VIEWER_ALLOWED[path]})`, async () => {
        // A string is never valid input for an object schema, so nothing is written; what matters is that the role check passed.
        expect(["UNAUTHORIZED", "FORBIDDEN"]).not.toContain(codeOf(await invoke(t, viewer, path, "rbac-probe")));
      });
    } else {
      it("refuses viewers with FORBIDDEN", async () => {
        expect(codeOf(await invoke(t, viewer, path, undefined))).toBe("FORBIDDEN");
      });
    }

    it("lets an admin past the role check", async () => {
      expect(["UNAUTHORIZED", "FORBIDDEN"]).not.toContain(codeOf(await invoke(t, admin, path, "rbac-probe")));
    });
  });
}

for (const { path } of queries) {
  describe(`query ${path}`, () => {
    if (path in PUBLIC_QUERIES) {
      it(`answers anonymous callers (${PUBLIC_QUERIES[path]})`, async () => {
        expect(codeOf(await invoke(t, anonymous, path, undefined))).toBe("OK");
      });
    } else {
      it("refuses anonymous callers with UNAUTHORIZED", async () => {
        expect(codeOf(await invoke(t, anonymous, path, undefined))).toBe("UNAUTHORIZED");
      });
    }
  });
}

describe("specific rules", () => {
  it("system.me is null for anonymous and the user for a viewer", async () => {
    expect(await callerFor(t.db, anonymous).system.me()).toBeNull();
    const me = await callerFor(t.db, viewer).system.me();
    expect(me).toMatchObject({ role: "viewer", mustChangePassword: false });
    expect(me?.id).toBe(viewer.type === "user" ? viewer.id : "not a user");
  });

  it("users.list is for admins only", async () => {
    const operator = (await makeUser(t.db, { role: "operator" })).actor;
    for (const actor of [viewer, operator]) {
      expect(codeOf(await invoke(t, actor, "users.list", undefined))).toBe("FORBIDDEN");
    }
    const list = await callerFor(t.db, admin).users.list();
    expect(list.map((u) => u.id)).toContain(admin.type === "user" ? admin.id : "");
  });

  it("audit queries are open to viewers", async () => {
    const page = await callerFor(t.db, viewer).audit.list({});
    expect(Array.isArray(page.items)).toBe(true);
  });
});
