/**
 * The contract every probe keeps (server/health/probe-types.ts): never throw,
 * never hang, honour both the caller's AbortSignal and timeoutMs, and explain
 * failures in words. Checked for every probed kind against one real TCP server
 * that accepts connections and never says anything; plus the pure helpers.
 */
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeError } from "@/server/adapters/errors";
import { checkJsonPath, ranges } from "@/server/adapters/http";
import { closeProbes, probedKinds, probeFor, probes, runProbe } from "@/server/adapters/index";
import { decodeReply, encodeCommand, parseInfo, RespError } from "@/server/adapters/resp";
import { type ComponentKind, componentKinds, kindConfig, type KindConfig } from "@/server/health/schemas";
import { ctx, listen, rawServer } from "./helpers";

const silent = rawServer();
let port: number;
beforeAll(async () => {
  port = await listen(silent.server);
});
afterAll(async () => {
  await closeProbes();
  await silent.stop();
});

/** A config for each kind aimed at the silent server. */
function silentConfig(kind: ComponentKind): KindConfig[ComponentKind] {
  const raw: Record<ComponentKind, unknown> = {
    http: { url: `http://127.0.0.1:${port}/health` },
    tcp: { host: "127.0.0.1", port },
    websocket: { url: `ws://127.0.0.1:${port}/` },
    postgres: { host: "127.0.0.1", port, user: "probe" },
    redis: { host: "127.0.0.1", port },
    patroni: { url: `http://127.0.0.1:${port}` },
    pgbouncer: { host: "127.0.0.1", port, user: "probe" },
    push: {},
  };
  return kindConfig[kind].parse(raw[kind]);
}

describe("the probe table", () => {
  it("has a probe for every kind; push is never scheduled and says why if run", async () => {
    expect(Object.keys(probes).sort()).toEqual([...componentKinds].sort());
    expect(probedKinds).not.toContain("push");
    expect(probedKinds).toHaveLength(componentKinds.length - 1);
    expect(probeFor("http")).toBe(probes.http);
    expect(await runProbe("push", { graceMs: 0 }, ctx())).toEqual({
      ok: false,
      latencyMs: null,
      message: "push components are not probed: their state comes from heartbeats",
    });
  });
});

describe("every probed kind against a server that accepts and never answers", () => {
  const waiting = probedKinds.filter((k) => k !== "tcp"); // for tcp, an accepted connection is the answer

  it.each(waiting)("%s: 'timed out after 300 ms', on time", async (kind) => {
    const t0 = performance.now();
    const r = await runProbe(kind, silentConfig(kind), ctx(300));
    const took = performance.now() - t0;
    expect(r).toMatchObject({ ok: false, message: "timed out after 300 ms" });
    expect(took).toBeGreaterThanOrEqual(295);
    expect(took).toBeLessThan(800);
  });

  it.each(waiting)("%s: stops within moments when the caller aborts", async (kind) => {
    const ac = new AbortController();
    const t0 = performance.now();
    const pending = runProbe(kind, silentConfig(kind), ctx(10_000, ac.signal));
    setTimeout(() => ac.abort(), 100);
    expect(await pending).toMatchObject({ ok: false, message: "check cancelled" });
    expect(performance.now() - t0).toBeLessThan(600);
  });

  it.each(probedKinds)("%s: a signal aborted before the start is honoured without connecting", async (kind) => {
    const ac = new AbortController();
    ac.abort();
    const before = silent.accepted();
    expect(await runProbe(kind, silentConfig(kind), ctx(1000, ac.signal))).toMatchObject({ ok: false, message: "check cancelled" });
    expect(silent.accepted()).toBe(before);
  });

  it("a sealed password that cannot be opened is a failed check, not a crash", async () => {
    const key = process.env.BULWARK_ENCRYPTION_KEY;
    delete process.env.BULWARK_ENCRYPTION_KEY;
    try {
      const r = await runProbe("redis", { host: "127.0.0.1", port, tls: false, password: "enc:v1:a:b:c" }, ctx());
      expect(r).toMatchObject({ ok: false, message: "BULWARK_ENCRYPTION_KEY is not set (npm start generates one)" });
    } finally {
      if (key !== undefined) process.env.BULWARK_ENCRYPTION_KEY = key;
    }
  });
});

describe("helpers", () => {
  it("ranges() writes status sets compactly", () => {
    expect(ranges([200, 201, 202, 203, 204])).toBe("200–204");
    expect(ranges([301, 200, 302, 200])).toBe("200, 301–302");
    expect(ranges([418])).toBe("418");
  });

  it("checkJsonPath() walks objects and arrays and compares as text", () => {
    const doc = JSON.stringify({ a: { b: [{ c: true }, { c: 3 }] }, n: null, s: "up" });
    expect(checkJsonPath(doc, "a.b.0.c", "true")).toBeNull();
    expect(checkJsonPath(doc, "a.b.1.c", "3")).toBeNull();
    expect(checkJsonPath(doc, "n", "null")).toBeNull();
    expect(checkJsonPath(doc, "s", "up")).toBeNull();
    expect(checkJsonPath(doc, "a.b.2.c", "x")).toBe('JSON path "a.b.2.c" not found');
    expect(checkJsonPath(doc, "a.b", "x")).toBe('JSON path "a.b" is "[{\\"c\\":true},{\\"c\\":3}]", expected "x"');
    expect(checkJsonPath(doc, "s.length", "2")).toBe('JSON path "s.length" not found');
    expect(checkJsonPath("{", "s", "up")).toBe("body is not valid JSON");
  });

  it("describeError() speaks plainly and follows causes", () => {
    const err = (code: string, extra: object = {}) => Object.assign(new Error(`raw ${code}`), { code, ...extra });
    expect(describeError(err("ECONNREFUSED"))).toBe("connection refused");
    expect(describeError(new Error("fetch failed", { cause: err("ECONNRESET") }))).toBe("connection reset by peer");
    expect(describeError(new AggregateError([err("ECONNREFUSED"), err("ECONNREFUSED")]))).toBe("connection refused");
    expect(describeError(err("ENOTFOUND", { hostname: "db.example" }))).toBe('DNS lookup failed: "db.example" not found');
    expect(describeError(err("CERT_HAS_EXPIRED"))).toBe("TLS certificate has expired");
    expect(describeError(err("28P01", { message: 'password authentication failed for user "x"' }))).toBe('password authentication failed for user "x"');
    expect(describeError("a string")).toBe("a string");
    expect(describeError(new Error("x".repeat(500))).length).toBeLessThanOrEqual(200);
  });

  it("RESP: encodes commands, decodes every reply type, waits for partial input, rejects garbage", () => {
    expect(encodeCommand(["AUTH", "pä"]).toString()).toBe("*2\r\n$4\r\nAUTH\r\n$3\r\npä\r\n");
    const buf = Buffer.from("+PONG\r\n-ERR nope\r\n:42\r\n$5\r\nhello\r\n$-1\r\n*2\r\n+a\r\n:1\r\n");
    const values = [];
    let at = 0;
    for (let r = decodeReply(buf, at); r; r = decodeReply(buf, at)) {
      values.push(r.value);
      at = r.next;
    }
    expect(values).toEqual(["PONG", new RespError("ERR nope"), 42, "hello", null, ["a", 1]]);
    expect(decodeReply(Buffer.from("$5\r\nhel"))).toBeNull();
    expect(decodeReply(Buffer.from("+PON"))).toBeNull();
    expect(() => decodeReply(Buffer.from("HTTP/1.1 400\r\n"))).toThrow("not a Redis server");
    expect(parseInfo("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n")).toEqual({ role: "master", connected_slaves: "0" });
  });
});
