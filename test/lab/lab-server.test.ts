/**
 * The demo lab's process core (server/lab/lab-server.ts): sample endpoints,
 * the three knobs, the WebSocket pong, the checkout's database readiness, and
 * the control endpoint's token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type Lab, startLab } from "@/server/lab/lab-server";
import type { LabKnobs, LabServiceName } from "@/server/lab/schemas";
import { pickPort } from "@/server/supervisor/free-port";
import { databaseUrl } from "../db";

const TOKEN = "test-token-0123456789abcdef";
let lab: Lab;
const saved: Record<LabServiceName, LabKnobs>[] = [];

beforeAll(async () => {
  lab = await startLab({
    ports: { api: 0, websocket: 0, checkout: 0, control: 0 },
    token: TOKEN,
    checkoutDbUrl: databaseUrl("postgres"),
    onKnobsChange: (k) => saved.push(k),
  });
});
afterAll(async () => {
  await lab?.stop();
});

const base = (name: LabServiceName) => `http://127.0.0.1:${lab.services[name].port}`;

async function control(path: string, init: RequestInit = {}, token = TOKEN): Promise<Response> {
  return fetch(`http://127.0.0.1:${lab.controlPort}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } });
}
async function knobs(body: Record<string, unknown>): Promise<Response> {
  return control("/knobs", { method: "POST", body: JSON.stringify(body) });
}
async function connectError(url: string): Promise<string | undefined> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return undefined;
  } catch (err) {
    return (err as { cause?: { code?: string } }).cause?.code;
  }
}

function openWs(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once("error", reject);
  });
}
function pingPong(ws: WebSocket): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    ws.once("pong", () => resolve(performance.now() - t0));
    ws.ping();
  });
}

describe("sample API", () => {
  it("answers the four health endpoints with {status: ok} JSON", async () => {
    for (const p of ["/health", "/health/ready", "/health/live", "/health/startup"]) {
      const res = await fetch(`${base("api")}${p}`);
      expect(res.status, p).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(((await res.json()) as { status: string }).status).toBe("ok");
    }
    expect((await fetch(`${base("api")}/nope`)).status).toBe(404);
  });

  it("adds the latency knob to every answer", async () => {
    expect((await knobs({ service: "api", latencyMs: 300 })).status).toBe(200);
    const t0 = performance.now();
    expect((await fetch(`${base("api")}/health`)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    await knobs({ service: "api", latencyMs: 0 });
    const t1 = performance.now();
    await fetch(`${base("api")}/health`);
    expect(performance.now() - t1).toBeLessThan(200);
  });

  it("answers 503 at failure rate 1 and 200 again at 0", async () => {
    await knobs({ service: "api", failureRate: 1 });
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${base("api")}/health`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { status: string }).status).toBe("fail");
    }
    await knobs({ service: "api", failureRate: 0 });
    expect((await fetch(`${base("api")}/health`)).status).toBe(200);
  });

  it("refuses connections while down and serves on the same port when back up", async () => {
    const port = lab.services.api.port;
    const res = await knobs({ service: "api", down: true });
    expect(((await res.json()) as { down: boolean }).down).toBe(true);
    expect(await connectError(`${base("api")}/health`)).toBe("ECONNREFUSED");
    await knobs({ service: "api", down: false });
    expect(lab.services.api.port).toBe(port);
    expect((await fetch(`${base("api")}/health`)).status).toBe(200);
  });

  it("reports every change to onKnobsChange (the lab keeps them in lab.json)", () => {
    const last = saved.at(-1);
    expect(last?.api).toEqual({ latencyMs: 0, failureRate: 0, down: false });
    expect(Object.keys(last ?? {}).sort()).toEqual(["api", "checkout", "websocket"]);
  });
});

describe("WebSocket sample", () => {
  const wsUrl = () => `ws://127.0.0.1:${lab.services.websocket.port}/ws`;

  it("answers protocol pings and a text ping, delayed by the latency knob", async () => {
    const ws = await openWs(wsUrl());
    expect(await pingPong(ws)).toBeLessThan(200);
    const text = new Promise<string>((resolve) => ws.once("message", (d) => resolve(String(d))));
    ws.send("ping");
    expect(await text).toBe("pong");
    await knobs({ service: "websocket", latencyMs: 250 });
    expect(await pingPong(ws)).toBeGreaterThanOrEqual(240);
    await knobs({ service: "websocket", latencyMs: 0 });
    ws.close();
  });

  it("refuses upgrades with 503 at failure rate 1", async () => {
    await knobs({ service: "websocket", failureRate: 1 });
    await expect(openWs(wsUrl())).rejects.toThrow("HTTP 503");
    await knobs({ service: "websocket", failureRate: 0 });
    (await openWs(wsUrl())).close();
  });

  it("cuts open sockets and refuses new ones while down", async () => {
    const ws = await openWs(wsUrl());
    const closed = new Promise<void>((resolve) => ws.once("close", () => resolve()));
    await knobs({ service: "websocket", down: true });
    await closed;
    await expect(openWs(wsUrl())).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await knobs({ service: "websocket", down: false });
    (await openWs(wsUrl())).close();
  });
});

describe("checkout sample", () => {
  it("is ready while its database answers select 1", async () => {
    const res = await fetch(`${base("checkout")}/health/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", checks: { database: { status: "ok" } } });
    expect((await fetch(`${base("checkout")}/checkout`, { method: "POST" })).status).toBe(201);
  });

  it("fails readiness (503, with the reason) but stays live when its database is unreachable", async () => {
    const deadPort = await pickPort();
    const other = await startLab({
      ports: { api: 0, websocket: 0, checkout: 0, control: 0 },
      token: TOKEN,
      checkoutDbUrl: `postgres://postgres:x@127.0.0.1:${deadPort}/postgres`,
    });
    try {
      const url = `http://127.0.0.1:${other.services.checkout.port}`;
      const res = await fetch(`${url}/health/ready`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string; checks: { database: { status: string; error: string } } };
      expect(body.status).toBe("fail");
      expect(body.checks.database.error).toMatch(/ECONNREFUSED/);
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
    } finally {
      await other.stop();
    }
  });
});

describe("control endpoint", () => {
  it("rejects a missing or wrong token with 401", async () => {
    expect((await control("/state", {}, "wrong-token-0123456789abc")).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${lab.controlPort}/state`)).status).toBe(401);
  });

  it("reports every service with its URL and knobs", async () => {
    const body = (await (await control("/state")).json()) as { services: { name: string; url: string; down: boolean }[] };
    expect(body.services.map((s) => s.name)).toEqual(["api", "websocket", "checkout"]);
    expect(body.services[1]?.url).toBe(`ws://127.0.0.1:${lab.services.websocket.port}/ws`);
  });

  it("rejects bad knobs with 400 and changes nothing", async () => {
    for (const bad of [{ service: "api", failureRate: 2 }, { service: "api", latencyMs: -1 }, { service: "nope", down: true }, { service: "api" }]) {
      const res = await knobs(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect(lab.services.api.knobs).toEqual({ latencyMs: 0, failureRate: 0, down: false });
  });
});
