/** Shared set-up for the failover engine tests: a database, three users, clusters backed by fake drivers (see fake-driver.ts). */
import { randomBytes } from "node:crypto";
import { ClusterObserver } from "@/server/failover/observer";
import type { RunnerOptions } from "@/server/failover/runner";
import { testDb, type TestDb } from "../db";
import { makeUser, type MadeUser } from "../factories";
import { callerFor } from "../trpc";
import { FakeCluster, type FakeMember, FakeRegistry } from "./fake-driver";

export type Engine = {
  t: TestDb;
  admin: MadeUser;
  operator: MadeUser;
  viewer: MadeUser;
  registry: FakeRegistry;
  observer: ClusterObserver;
  as: (u: MadeUser) => ReturnType<typeof callerFor>["clusters"];
  /** creates a cluster through the admin verb and observes it once */
  cluster: (members?: FakeMember[], extra?: Record<string, unknown>) => Promise<{ id: string; name: string; fake: FakeCluster }>;
  runnerOpts: (workerId?: string, extra?: Partial<RunnerOptions>) => RunnerOptions;
  close: () => Promise<void>;
};

export const twoMembers = (): FakeMember[] => [
  { name: "pg-a", role: "primary", position: "0/3000100" },
  { name: "pg-b", role: "standby", position: "0/3000100", lagBytes: 0 },
];

export const streamingInput = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  adapter: "postgres-streaming" as const,
  config: {
    members: [
      { name: "pg-a", host: "127.0.0.1", port: 5501 },
      { name: "pg-b", host: "127.0.0.1", port: 5502 },
    ],
    user: "postgres",
    password: "pw-in-clear",
  },
  ...extra,
});

export async function engine(): Promise<Engine> {
  const t = await testDb();
  const [admin, operator, viewer] = await Promise.all([makeUser(t.db, { role: "admin" }), makeUser(t.db, { role: "operator" }), makeUser(t.db, { role: "viewer" })]);
  const registry = new FakeRegistry();
  // the observer is given a short timeout: a cluster left unregistered fails fast
  const observer = new ClusterObserver(t.sql, { driverFor: registry.driverFor, timeoutMs: 500 });
  const as = (u: MadeUser) => callerFor(t.db, u.actor).clusters;
  return {
    t,
    admin,
    operator,
    viewer,
    registry,
    observer,
    as,
    cluster: async (members = twoMembers(), extra = {}) => {
      const name = `c-${randomBytes(3).toString("hex")}`;
      const c = await as(admin).create(streamingInput(name, extra));
      const fake = new FakeCluster(members);
      registry.byId.set(c.id, fake);
      await observer.cycle();
      return { id: c.id, name, fake };
    },
    runnerOpts: (workerId = "test-runner", extra = {}) => ({ workerId, driverFor: registry.driverFor, renewMs: 200, logFlushMs: 20, ...extra }),
    close: async () => {
      await observer.close();
      await t.close();
    },
  };
}

export const reason = "planned maintenance of the primary host";
