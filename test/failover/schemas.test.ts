import { describe, expect, it } from "vitest";
import { patroniClusterConfig, postgresStreamingConfig, switchoverInput } from "@/server/failover/schemas";

const members = [
  { name: "a", host: "127.0.0.1", port: 5432 },
  { name: "b", host: "127.0.0.1", port: 5433 },
];
const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  r.success ? [] : (r.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("failover input schemas", () => {
  it("accepts Redis members' host:port names as a candidate, rejects shell-ish names", () => {
    const base = { clusterId: "7f0c0c8e-3a61-4c35-9d3b-2a9f1b2c3d4e", reason: "moving the master for maintenance", confirmName: "lab-redis" };
    expect(switchoverInput.safeParse({ ...base, candidate: "127.0.0.1:6380" }).success).toBe(true);
    expect(switchoverInput.safeParse({ ...base, candidate: "[::1]:6380" }).success).toBe(true);
    expect(issues(switchoverInput.safeParse({ ...base, candidate: "a; rm -rf /" }))).toEqual(["candidate: Use letters, digits, dot, dash, underscore or host:port"]);
  });

  it("takes a multi-host write-probe URL and the redaction marker, refuses other schemes", () => {
    const cfg = (writeProbeUrl: string) => postgresStreamingConfig.safeParse({ members, user: "postgres", writeProbeUrl });
    expect(cfg("postgres://u:p@h1:5432,h2:5433/app?target_session_attrs=read-write").success).toBe(true);
    expect(cfg("••••••").success).toBe(true);
    expect(issues(cfg("http://h1/app"))).toEqual(["writeProbeUrl: Use a postgres:// connection URL (several hosts separated by commas are fine)"]);
  });

  it("refuses credentials inside the agent and Patroni URLs (they would be stored and shown in clear)", () => {
    const agent = postgresStreamingConfig.safeParse({ members, user: "postgres", agentUrl: "http://root:secret@127.0.0.1:7000" });
    expect(issues(agent)).toEqual(["agentUrl: Put the user name and password in their own fields, not in the URL"]);
    const patroni = patroniClusterConfig.safeParse({ apiUrls: ["http://127.0.0.1:8008", "http://admin:pw@127.0.0.1:8009"] });
    expect(issues(patroni)).toEqual(["apiUrls.1: Put the user name and password in their own fields, not in the URL"]);
    expect(patroniClusterConfig.safeParse({ apiUrls: ["http://127.0.0.1:8008"], username: "admin", password: "pw" }).success).toBe(true);
  });

  it("refuses duplicate member names whatever their case", () => {
    const r = postgresStreamingConfig.safeParse({ members: [...members, { name: "A", host: "127.0.0.1", port: 5434 }], user: "postgres" });
    expect(issues(r)).toEqual(["members: Member names must be unique"]);
  });
});
