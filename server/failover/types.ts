import type { ClusterAdapterName, ClusterConfigs, OverridableCheck } from "./schemas";

/**
 * Contracts between the operation runner (server/failover/runner.ts), the
 * cluster drivers (server/adapters/{postgres-streaming,patroni-cluster,redis-sentinel}),
 * the observer loop and the UI. Domain code only: no Next/React imports.
 */

export type MemberRole = "primary" | "standby" | "unknown" | "down";

export type MemberObservation = {
  name: string;
  host: string;
  port: number;
  role: MemberRole;
  /** accepts writes right now (PostgreSQL: not in recovery and not default_transaction_read_only; Redis: role master) */
  writable: boolean;
  timeline: number | null;
  /** PostgreSQL LSN ("0/3000060") or Redis replication offset, as text */
  position: string | null;
  /** the same position as a number of bytes, for comparing and subtracting */
  positionBytes: bigint | null;
  lagBytes: number | null;
  lagSeconds: number | null;
  syncState: string | null;
  healthy: boolean;
  message: string | null;
  details: Record<string, unknown>;
};

export type ClusterObservation = {
  observedAt: Date;
  members: MemberObservation[];
  /** set when the cluster as a whole could not be observed */
  error: string | null;
};

/** The decrypted runtime view of a cluster row a driver works on. */
export type ClusterRuntime<A extends ClusterAdapterName = ClusterAdapterName> = {
  id: string;
  name: string;
  adapter: A;
  config: ClusterConfigs[A];
  maxLagBytes: number;
};

/** What a resumed run needs; written by steps through `StepContext.setState` before their dangerous part. */
export type OperationState = {
  /** PostgreSQL: the old primary's WAL position when it was fenced */
  fenceLsn?: string;
  /** set by the promote step *before* it calls promote: a resumed run must not promote again without re-observing */
  promoteRequestedAt?: string;
  promotedAt?: string;
  /** failover: when the primary was last seen writable (RTO starts here) */
  primaryLostAt?: string;
  /** failover: the old primary's last known position and the candidate's at promotion */
  oldPrimaryPosition?: string;
  candidatePositionAtPromote?: string;
  /** the old primary could not be rejoined automatically: a person has to */
  rejoinPending?: boolean;
  [key: string]: unknown;
};

export type OperationKindName = "switchover" | "failover";

export type StepContext = {
  op: { id: string; kind: OperationKindName; candidate: string; fromPrimary: string | null; reason: string };
  cluster: ClusterRuntime;
  state: OperationState;
  /** persists a state patch at once (call it before an action that must not be repeated) */
  setState: (patch: Partial<OperationState>) => Promise<void>;
  /** a line in the step's live log */
  log: (msg: string) => void;
  /** records the command / API call made, as an operator would type it (no secrets) */
  command: (text: string) => void;
  signal: AbortSignal;
  /** true when an earlier run died inside this very step */
  resumed: boolean;
};

export type StepDef = {
  name: string;
  title: string;
  /**
   * What a worker does when it finds this step started by a run that died:
   * "rerun" — the step is idempotent and re-observes the cluster first;
   * "park"  — put the operation in needs_attention with what is known.
   */
  onResume: "rerun" | "park";
  /**
   * The step changes the cluster (fence, pause, promote, rejoin). Once such a
   * step has started, a plain error no longer means "nothing happened": the
   * runner parks the operation as needs_attention instead of failing it,
   * unless the step threw NothingChanged after putting the cluster back.
   */
  changesCluster?: boolean;
  /** returns the step's one-line result; throws to fail the operation */
  run: (ctx: StepContext) => Promise<string>;
};

/** Thrown by a step to stop the operation as needs_attention (not failed): the cluster needs a person. */
export class NeedsAttention extends Error {
  override name = "NeedsAttention";
}

/** Thrown by a step that gave up and put the cluster back as it was (e.g. un-fenced after a catch-up timeout): the operation is failed, safely. */
export class NothingChanged extends Error {
  override name = "NothingChanged";
}

export type WriteProbeReport = {
  /** writes attempted and acknowledged */
  attempted: number;
  acked: number;
  /** acknowledged writes missing when read back from the primary at the end */
  lostAcked: number;
  /** longest time between two consecutive acknowledged writes (last ack before, first after) */
  unavailableMs: number;
  /** when that gap started and ended */
  gapStartedAt: Date | null;
  gapEndedAt: Date | null;
  errors: Record<string, number>;
};

/** Writes sequential ids through the cluster's client path while an operation runs. */
export interface WriteProbe {
  start(): Promise<void>;
  /** stops writing, reads the ids back from the current primary, reports */
  stop(): Promise<WriteProbeReport>;
}

export interface ClusterDriver {
  observe(signal?: AbortSignal): Promise<ClusterObservation>;
  switchoverSteps(): StepDef[];
  failoverSteps(): StepDef[];
  /** null when the cluster has no write path configured */
  writeProbe(operationId: string): WriteProbe | null;
  /** Patroni: cancel a switchover scheduled on the Patroni side (DELETE /switchover). Others: undefined. */
  cancelScheduled?(): Promise<void>;
  close(): Promise<void>;
}

export type DriverFactory = (cluster: ClusterRuntime) => ClusterDriver;

// ---- preflight --------------------------------------------------------------

export type PreflightCheckId =
  | "cluster_observed"
  | "primary_known"
  | "candidate_member"
  | "candidate_healthy"
  | "candidate_lag"
  | "no_running_operation"
  | "primary_down"
  | OverridableCheck;

export type PreflightCheck = {
  id: PreflightCheckId;
  label: string;
  ok: boolean;
  detail: string;
  /** may be overridden by name on request */
  overridable: boolean;
  overridden?: boolean;
};

export type Preflight = {
  clusterId: string;
  kind: OperationKindName;
  candidate: string | null;
  fromPrimary: string | null;
  checks: PreflightCheck[];
  /** every check ok or overridden */
  ok: boolean;
  /** failover: bytes the candidate is behind the old primary's last known position (null when unknown) */
  rpoEstimateBytes: number | null;
  runningOperationId: string | null;
};

// ---- what the UI reads ------------------------------------------------------

export type OperationStatusName = "scheduled" | "pending" | "running" | "needs_attention" | "succeeded" | "failed" | "cancelled";

export type MemberView = Omit<MemberObservation, "positionBytes" | "writable"> & { observedAt: Date };

export type ClusterSummary = {
  id: string;
  name: string;
  description: string;
  adapter: ClusterAdapterName;
  kind: "postgres" | "redis";
  serviceId: string | null;
  serviceName: string | null;
  maxLagBytes: number;
  observedAt: Date | null;
  observeError: string | null;
  members: MemberView[];
  primary: string | null;
  activeOperation: { id: string; kind: OperationKindName; status: OperationStatusName } | null;
  lastOperation: OperationSummary | null;
};

export type ClusterDetail = ClusterSummary & {
  /** config with secrets replaced by REDACTED */
  config: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
};

export type OperationSummary = {
  id: string;
  clusterId: string;
  clusterName: string;
  kind: OperationKindName;
  status: OperationStatusName;
  reason: string;
  requestedByEmail: string | null;
  fromPrimary: string | null;
  candidate: string;
  scheduledAt: Date | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  currentStep: string | null;
  error: string | null;
  writeUnavailableMs: number | null;
  durationMs: number | null;
  rtoMs: number | null;
  lostAckedWrites: number | null;
  lsnGapBytes: number | null;
  probeWrites: number | null;
  rpoEstimateBytes: number | null;
  overrides: string[];
};

export type StepView = {
  seq: number;
  name: string;
  title: string;
  status: "running" | "ok" | "failed" | "skipped";
  command: string | null;
  result: string | null;
  logs: { at: string; msg: string }[];
  startedAt: Date;
  finishedAt: Date | null;
};

export type OperationDetail = OperationSummary & { preflight: PreflightCheck[]; steps: StepView[]; state: OperationState };

/** The targets every measured figure is compared with (requirements). */
export const TARGETS = { rtoMs: 15 * 60_000, rpoMs: 5 * 60_000, failoverMs: 60_000 } as const;
