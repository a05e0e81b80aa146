/**
 * TEST-ONLY in-memory ClusterDriver. What is under test with it is the
 * engine's durable-state semantics — claiming, leases, the advisory lock,
 * step records, resume/park, events, figures, preflight from observed rows —
 * not any database's replication. The real drivers (postgres-streaming,
 * Patroni, Redis Sentinel) have their own tests against real PostgreSQL,
 * Patroni and Redis processes.
 */
import { NeedsAttention, NothingChanged, type ClusterDriver, type ClusterObservation, type ClusterRuntime, type DriverFactory, type MemberObservation, type StepContext, type StepDef, type WriteProbeReport } from "@/server/failover/types";
import { positionBytes } from "@/server/failover/positions";

export type FakeMember = {
  name: string;
  role: MemberObservation["role"];
  healthy?: boolean;
  writable?: boolean;
  position?: string | null;
  lagBytes?: number | null;
};

type StepHook = (ctx: StepContext) => Promise<void> | void;

/** A latch a test opens; a step waiting on it also gives up when its run is aborted. */
export class Latch {
  private opened = false;
  private waiters: (() => void)[] = [];
  entered = 0;
  open(): void {
    this.opened = true;
    for (const w of this.waiters.splice(0)) w();
  }
  wait(signal: AbortSignal): Promise<void> {
    this.entered += 1;
    if (this.opened) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }
}

export class FakeCluster {
  members: FakeMember[];
  /** every step run, in order: "<name>" or "<name>(resumed)" */
  readonly runs: string[] = [];
  observeError: string | null = null;
  /** makes observe() hang past the observer's timeout */
  observeHangs = false;
  observations = 0;
  closed = 0;
  /** per step name: run before the step's own work (block on a latch, throw, …) */
  readonly hooks = new Map<string, StepHook>();
  /** what the write probe reports; null: the cluster has no write path */
  probeReport: WriteProbeReport | null = null;
  probeStarts = 0;
  probeStops = 0;
  onResume: Record<string, "rerun" | "park"> = { fence: "rerun", "wait-replay": "rerun", promote: "park", rejoin: "rerun", verify: "rerun" };
  /** the steps marked changesCluster, as a real driver marks its fence, promote and rejoin */
  changesCluster: Record<string, boolean> = { fence: true, promote: true, rejoin: true };

  constructor(members: FakeMember[]) {
    this.members = members;
  }

  primary(): FakeMember | undefined {
    return this.members.find((m) => m.role === "primary");
  }

  private step(name: string, title: string, work: (ctx: StepContext) => Promise<string> | string): StepDef {
    return {
      name,
      title,
      onResume: this.onResume[name] ?? "rerun",
      changesCluster: this.changesCluster[name] === true,
      run: async (ctx) => {
        this.runs.push(ctx.resumed ? `${name}(resumed)` : name);
        ctx.command(`fake ${name} ${ctx.op.candidate}`);
        ctx.log(`${title} on ${ctx.cluster.name}`);
        await this.hooks.get(name)?.(ctx);
        return work(ctx);
      },
    };
  }

  private promote = async (ctx: StepContext): Promise<string> => {
    const cand = this.members.find((m) => m.name === ctx.op.candidate);
    if (!cand) throw new Error(`no member ${ctx.op.candidate}`);
    await ctx.setState({ promoteRequestedAt: new Date().toISOString(), candidatePositionAtPromote: cand.position ?? undefined });
    for (const m of this.members) {
      if (m.role === "primary") Object.assign(m, { role: "standby", writable: false });
    }
    Object.assign(cand, { role: "primary", writable: true, lagBytes: 0 });
    await ctx.setState({ promotedAt: new Date().toISOString() });
    return `${cand.name} promoted`;
  };

  switchoverSteps(): StepDef[] {
    return [
      this.step("fence", "Fence the old primary", async (ctx) => {
        await ctx.setState({ fenceLsn: this.primary()?.position ?? undefined });
        return "fenced";
      }),
      this.step("wait-replay", "Wait for the candidate to replay", () => "caught up"),
      this.step("promote", "Promote the candidate", this.promote),
      this.step("rejoin", "Rejoin the old primary", () => "rejoined"),
      this.step("verify", "Verify roles", () => "one primary"),
    ];
  }

  failoverSteps(): StepDef[] {
    return [this.step("promote", "Promote the candidate", this.promote), this.step("verify", "Verify roles", () => "one primary")];
  }

  factory(): DriverFactory {
    return (cluster: ClusterRuntime) => this.driver(cluster);
  }

  driver(_cluster: ClusterRuntime): ClusterDriver {
    return {
      observe: async (signal) => {
        this.observations += 1;
        if (this.observeHangs) await new Promise((r) => setTimeout(r, 60_000).unref());
        signal?.throwIfAborted();
        const obs: ClusterObservation = {
          observedAt: new Date(),
          error: this.observeError,
          members: this.members.map((m, i) => ({
            name: m.name,
            host: "127.0.0.1",
            port: 5500 + i,
            role: m.role,
            writable: m.writable ?? m.role === "primary",
            timeline: 1,
            position: m.position ?? null,
            positionBytes: positionBytes(m.position ?? null),
            lagBytes: m.lagBytes ?? (m.role === "standby" ? 0 : null),
            lagSeconds: null,
            syncState: m.role === "standby" ? "async" : null,
            healthy: m.healthy ?? true,
            message: null,
            details: {},
          })),
        };
        return obs;
      },
      switchoverSteps: () => this.switchoverSteps(),
      failoverSteps: () => this.failoverSteps(),
      writeProbe: () =>
        this.probeReport
          ? {
              start: async () => {
                this.probeStarts += 1;
              },
              stop: async () => {
                this.probeStops += 1;
                return this.probeReport!;
              },
            }
          : null,
      close: async () => {
        this.closed += 1;
      },
    };
  }
}

/** One driver factory over many fake clusters, keyed by cluster id (set after create). */
export class FakeRegistry {
  readonly byId = new Map<string, FakeCluster>();
  readonly driverFor: DriverFactory = (cluster) => {
    const f = this.byId.get(cluster.id);
    if (!f) throw new Error(`no fake cluster for ${cluster.name}`);
    return f.driver(cluster);
  };
}

export { NeedsAttention, NothingChanged };
