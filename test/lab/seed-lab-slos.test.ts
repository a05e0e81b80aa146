/**
 * The lab's SLOs: created once on the lab's components with the default
 * budget policy for its service, and not again on later starts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedLab } from "@/server/lab/seed-lab";
import { seedLabSlos } from "@/server/lab/seed-lab-slos";
import { listPolicies } from "@/server/slo/policies";
import { listSlos } from "@/server/slo/queries";
import { DEFAULT_POLICY_TIERS } from "@/server/slo/schemas";
import { testDb, type TestDb } from "../db";

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
});
afterAll(async () => {
  await t.close();
});

describe("seedLabSlos", () => {
  it("creates three SLOs on the lab's probes and a service policy, once", async () => {
    expect(await seedLabSlos(t.db)).toBe(0); // no lab components yet: nothing to attach to
    await seedLab(t.db, { ports: { api: 42001, websocket: 42002, checkout: 42003, control: 42004 }, pg: { port: 42005, password: "pw" }, previous: null });
    expect(await seedLabSlos(t.db)).toBe(3);
    const slos = await listSlos(t.db, {});
    expect(slos.map((s) => `${s.key} ${s.budgetingMethod} ${s.objective}`).sort()).toEqual([
      "lab-api-availability occurrences 0.995",
      "lab-api-latency occurrences 0.99",
      "lab-checkout-minutes timeslices 0.999",
    ]);
    expect(slos.every((s) => s.serviceName === "Demo lab" && s.state === "no_data")).toBe(true);
    const policies = await listPolicies(t.db);
    expect(policies).toHaveLength(1);
    expect(policies[0]).toMatchObject({ scope: "service", serviceName: "Demo lab", tiers: DEFAULT_POLICY_TIERS });
    expect(await seedLabSlos(t.db)).toBe(0);
    expect(await listPolicies(t.db)).toHaveLength(1);
  });
});
