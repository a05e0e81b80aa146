/**
 * prepareLab (supervisor side): the pair's and the Redis trio's ports are
 * saved in lab.json and reused while free, re-picked when taken; a lab.json
 * from before the pair still reads.
 */
import { rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prepareLab } from "@/server/lab/prepare-lab";
import { redisTrioAvailable } from "@/server/lab/redis-trio";
import { closedPort, tempDir } from "../probes/helpers";

const dir = tempDir("prepare-lab");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("prepareLab", () => {
  it("reads a lab.json without pair ports, then keeps the ports it saved", async () => {
    const ports = { api: await closedPort(), websocket: await closedPort(), checkout: await closedPort(), control: await closedPort() };
    writeFileSync(path.join(dir, "lab.json"), JSON.stringify({ ports, token: "t".repeat(20), pgPort: 1, knobs: {} }));
    const first = await prepareLab({ dataDir: dir, pgPort: 1, avoid: [] });
    expect(first.previous?.pgPair).toBeUndefined();
    const pair = first.config.pgPair!;
    expect(new Set([pair.a, pair.b, pair.router, pair.agent, ...Object.values(first.config.ports)]).size).toBe(8);
    expect(first.config.redis === undefined).toBe(!redisTrioAvailable());

    const second = await prepareLab({ dataDir: dir, pgPort: 1, avoid: [] });
    expect(second.config.pgPair).toEqual(pair);
    expect(second.config.redis).toEqual(first.config.redis);
    expect(second.config.token).not.toBe(first.config.token);
  });

  it("re-picks a pair port another process took meanwhile", async () => {
    const before = (await prepareLab({ dataDir: dir, pgPort: 1, avoid: [] })).config.pgPair!;
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen({ port: before.router, host: "127.0.0.1" }, () => resolve()));
    try {
      const after = (await prepareLab({ dataDir: dir, pgPort: 1, avoid: [] })).config.pgPair!;
      expect(after.router).not.toBe(before.router);
      expect({ ...after, router: 0 }).toEqual({ ...before, router: 0 });
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });
});
