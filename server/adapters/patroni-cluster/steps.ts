import { sleep } from "@/server/core/sleep";
import { NeedsAttention, NothingChanged, type OperationKindName, type StepContext, type StepDef } from "@/server/failover/types";
import { postAction } from "./actions";
import { describeCluster, isLeader, isRunning, isRunningReplica, leaderOf, readCluster, type PatroniCluster, type PatroniMember } from "./observe";
import { errorText, restRequest, restUrl, type PatroniClusterConfig } from "./rest";

/** How long a switchover or failover may take on the Patroni side before Bulwark gives up following it. */
export const FOLLOW_TIMEOUT_MS = 60_000;
const FOLLOW_INTERVAL_MS = 150;



const lagText = (m: PatroniMember) => (typeof m.lag === "number" ? `${m.lag} B` : (m.lag ?? "unknown"));
const memberList = (doc: PatroniCluster) => doc.members.map((m) => m.name).join(", ") || "none";

/** The leader the operation moves away from: recorded by the first step, else the one the operator saw. */
const oldLeaderOf = (ctx: StepContext): string | null =>
  typeof ctx.state.oldLeader === "string" ? ctx.state.oldLeader : ctx.op.fromPrimary;

function requireCandidate(doc: PatroniCluster, name: string, leader: PatroniMember | undefined): PatroniMember {
  const candidate = doc.members.find((m) => m.name === name);
  if (!candidate) throw new Error(`candidate ${name} is not a member of the Patroni cluster (members: ${memberList(doc)})`);
  if (candidate === leader) throw new Error(`candidate ${name} is already the leader`);
  if (!isRunningReplica(candidate)) throw new Error(`candidate ${name} is ${candidate.role} ${candidate.state || "in an unknown state"}, not a running replica`);
  return candidate;
}

/** Does the member's own REST API still say it is the primary? (/cluster shows a dead member until its key expires.) */
async function answersAsPrimary(config: PatroniClusterConfig, m: PatroniMember, signal: AbortSignal): Promise<string | null> {
  if (!m.api_url) return null;
  const url = restUrl(m.api_url.replace(/\/patroni\/?$/, ""), "/primary");
  try {
    const res = await restRequest(config, url, { signal });
    return res.status === 200 ? null : `GET ${url}: ${res.status}`;
  } catch (err) {
    if (signal.aborted) throw err;
    return `GET ${url}: ${errorText(err)}`;
  }
}

function switchoverPreflight(config: PatroniClusterConfig): StepDef {
  return {
    name: "preflight",
    title: "Check the leader and the candidate",
    onResume: "rerun",
    run: async (ctx) => {
      const { doc, apiUrl } = await readCluster(config, ctx.signal);
      ctx.command(`curl -s ${restUrl(apiUrl, "/cluster")}`);
      ctx.log(describeCluster(doc));
      const leader = leaderOf(doc);
      if (!leader) throw new Error("Patroni reports no leader: there is nothing to switch over from (a failover is needed)");
      if (!isRunning(leader)) throw new Error(`leader ${leader.name} is ${leader.state || "in an unknown state"}, not running`);
      if (ctx.op.fromPrimary && leader.name !== ctx.op.fromPrimary)
        throw new Error(`the leader is now ${leader.name}, not ${ctx.op.fromPrimary} as when the switchover was requested`);
      const candidate = requireCandidate(doc, ctx.op.candidate, leader);
      if (doc.scheduled_switchover?.at)
        throw new Error(`Patroni already has a switchover scheduled at ${doc.scheduled_switchover.at}: cancel it first`);
      if (doc.pause) ctx.log("the cluster is paused (maintenance mode): Patroni switches over only to the named candidate");
      await ctx.setState({ oldLeader: leader.name, oldTimeline: leader.timeline ?? null });
      return `leader ${leader.name} (timeline ${leader.timeline ?? "?"}); candidate ${candidate.name} ${candidate.state}, lag ${lagText(candidate)}`;
    },
  };
}

function failoverConfirm(config: PatroniClusterConfig): StepDef {
  return {
    name: "confirm",
    title: "Confirm the leader is gone",
    onResume: "rerun",
    run: async (ctx) => {
      const { doc, apiUrl } = await readCluster(config, ctx.signal);
      ctx.command(`curl -s ${restUrl(apiUrl, "/cluster")}`);
      ctx.log(describeCluster(doc));
      const leader = leaderOf(doc);
      let gone = leader ? `leader ${leader.name} is ${leader.state || "in an unknown state"}` : "Patroni reports no leader";
      if (leader && isRunning(leader)) {
        const why = await answersAsPrimary(config, leader, ctx.signal);
        if (why === null) throw new Error(`leader ${leader.name} is running and answers as primary: use a planned switchover, not a failover`);
        gone = `leader ${leader.name} is listed but does not answer as primary (${why})`;
      }
      ctx.log(gone);
      const candidate = requireCandidate(doc, ctx.op.candidate, leader);
      await ctx.setState({ oldLeader: leader?.name ?? ctx.op.fromPrimary, oldTimeline: leader?.timeline ?? null });
      return `${gone}; candidate ${candidate.name} ${candidate.state}, lag ${lagText(candidate)}`;
    },
  };
}

function request(config: PatroniClusterConfig, kind: OperationKindName): StepDef {
  const action = kind === "switchover" ? "switchover" : "failover";
  return {
    name: "request",
    title: `Ask Patroni for the ${action}`,
    onResume: "rerun",
    changesCluster: true,
    run: async (ctx) => {
      // A run that died after asking must not ask again: Patroni may be acting on the first request.
      if (ctx.state.promoteRequestedAt) {
        ctx.log(`the ${action} was requested at ${ctx.state.promoteRequestedAt} by an earlier run: not asking again, following the cluster`);
        return `already requested at ${ctx.state.promoteRequestedAt}`;
      }
      const oldLeader = oldLeaderOf(ctx);
      const body: Record<string, string> =
        kind === "switchover" ? { leader: oldLeader ?? "", candidate: ctx.op.candidate } : { candidate: ctx.op.candidate };
      await ctx.setState({ promoteRequestedAt: new Date().toISOString() });
      const outcome = await postAction(config, action, body, ctx);
      if (outcome.kind === "failed") {
        // Patroni's "Switchover failed" is read from the DCS: make sure the candidate did not win after all.
        const { doc } = await readCluster(config, ctx.signal).catch(() => ({ doc: null }));
        const leader = doc ? leaderOf(doc) : undefined;
        if (leader?.name !== ctx.op.candidate) {
          // Not delivered anywhere, or refused by Patroni's own checks (4xx): Patroni did nothing. A 5xx means it tried and gave up half-way.
          const refused = outcome.status === null || (outcome.status >= 400 && outcome.status < 500);
          throw refused ? new NothingChanged(outcome.detail) : new Error(outcome.detail);
        }
        ctx.log(`${outcome.detail}, but ${leader.name} is the leader now: following`);
      }
      if (outcome.kind === "unknown") return `no definite answer (${outcome.detail}): following the cluster`;
      return `Patroni: ${outcome.detail}`;
    },
  };
}

/** Polls GET /cluster until the candidate leads (switchover: and the old leader runs as its replica). */
function follow(config: PatroniClusterConfig, kind: OperationKindName): StepDef {
  return {
    name: "follow",
    title: kind === "switchover" ? "Follow until the candidate leads and the old leader replicates" : "Follow until the candidate leads",
    onResume: "rerun",
    changesCluster: true,
    run: async (ctx) => {
      const candidate = ctx.op.candidate;
      const oldLeader = oldLeaderOf(ctx);
      const started = Date.now();
      let last = "";
      let promotedSeen = false;
      for (;;) {
        ctx.signal.throwIfAborted();
        let seen: string;
        try {
          const { doc } = await readCluster(config, ctx.signal);
          seen = describeCluster(doc);
          const leader = leaderOf(doc);
          if (leader && isRunning(leader) && leader.name !== candidate && leader.name !== oldLeader)
            throw new NeedsAttention(`Patroni made ${leader.name} the leader instead of ${candidate}: ${seen}`);
          if (leader?.name === candidate && leader.state === "running") {
            if (!promotedSeen) {
              promotedSeen = true;
              ctx.log(`${candidate} is the running leader after ${Date.now() - started} ms (timeline ${leader.timeline ?? "?"})`);
              if (!ctx.state.promotedAt) await ctx.setState({ promotedAt: new Date().toISOString() });
            }
            const old = doc.members.find((m) => m.name === oldLeader);
            if (kind === "failover") return `${candidate} leads (timeline ${leader.timeline ?? "?"})${old ? `; ${old.name} is ${old.role} ${old.state}` : ""}`;
            if (old && isRunningReplica(old)) return `${candidate} leads (timeline ${leader.timeline ?? "?"}); ${old.name} runs as its replica`;
          }
        } catch (err) {
          if (err instanceof NeedsAttention || ctx.signal.aborted) throw err;
          seen = `cluster not readable: ${errorText(err)}`;
        }
        if (seen !== last) ctx.log((last = seen));
        if (Date.now() - started > FOLLOW_TIMEOUT_MS) {
          const secs = Math.round(FOLLOW_TIMEOUT_MS / 1000);
          // The primary moved but the old one did not come back: the cluster serves writes, a person has to look at the rest.
          if (promotedSeen) throw new NeedsAttention(`${candidate} leads, but ${oldLeader ?? "the old leader"} is not a running replica after ${secs} s; last seen: ${last}`);
          throw new Error(`${candidate} is not the running leader after ${secs} s; last seen: ${last}`);
        }
        await sleep(FOLLOW_INTERVAL_MS, ctx.signal);
      }
    },
  };
}

function verify(config: PatroniClusterConfig, kind: OperationKindName): StepDef {
  return {
    name: "verify",
    title: "Verify exactly one leader",
    onResume: "rerun",
    changesCluster: true,
    run: async (ctx) => {
      const { doc } = await readCluster(config, ctx.signal);
      const seen = describeCluster(doc);
      ctx.log(seen);
      const leaders = doc.members.filter(isLeader);
      if (leaders.length !== 1) throw new NeedsAttention(`${leaders.length} leaders: ${seen}`);
      const [leader] = leaders;
      if (leader?.name !== ctx.op.candidate) throw new NeedsAttention(`the leader is ${leader?.name}, not ${ctx.op.candidate}: ${seen}`);
      if (leader.state !== "running") throw new NeedsAttention(`leader ${leader.name} is ${leader.state}: ${seen}`);
      const others = doc.members.filter((m) => m !== leader);
      const replicas = others.map((m) => `${m.name} ${m.role} ${m.state}, lag ${lagText(m)}`).join("; ");
      const oldLeader = oldLeaderOf(ctx);
      if (kind === "failover" && oldLeader && !doc.members.some((m) => m.name === oldLeader))
        ctx.log(`${oldLeader} is not in the cluster: Patroni rejoins it as a replica when it comes back`);
      return `${leader.name} is the only leader (timeline ${leader.timeline ?? "?"})${replicas ? `; ${replicas}` : ""}`;
    },
  };
}

export const switchoverSteps = (config: PatroniClusterConfig): StepDef[] => [
  switchoverPreflight(config),
  request(config, "switchover"),
  follow(config, "switchover"),
  verify(config, "switchover"),
];

export const failoverSteps = (config: PatroniClusterConfig): StepDef[] => [
  failoverConfirm(config),
  request(config, "failover"),
  follow(config, "failover"),
  verify(config, "failover"),
];
