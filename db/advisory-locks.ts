/**
 * Every PostgreSQL advisory lock key Bulwark takes, in one place so two
 * duties never share a key by accident.
 */
export const advisoryLocks = {
  migrations: 7_242_001,
  retention: 7_242_002,
  adminChanges: 7_242_003,
  /** creating and dropping probe_results day partitions */
  probePartitions: 7_242_004,
  /** one SLO evaluation cycle at a time across workers */
  sloEvaluator: 7_242_005,
  /** pulling probe / Prometheus SLI sources */
  sloSources: 7_242_006,
  /** creating and dropping sli_minutes month partitions */
  sliPartitions: 7_242_007,
  /** one operation runner per cluster: pg_try_advisory_lock(clusterOperations, hashtext(cluster_id)) held on a reserved connection */
  clusterOperations: 7_242_008,
  /** one cluster observer cycle at a time across workers */
  clusterObserver: 7_242_009,
} as const;
