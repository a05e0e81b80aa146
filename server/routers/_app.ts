import { router } from "../trpc/init";
import { auditRouter } from "./audit";
import { clustersRouter } from "./clusters";
import { labRouter } from "./lab";
import { healthRouter } from "./health";
import { liveRouter } from "./live";
import { sloRouter } from "./slo";
import { systemRouter } from "./system";
import { usersRouter } from "./users";

export const appRouter = router({
  system: systemRouter,
  users: usersRouter,
  audit: auditRouter,
  health: healthRouter,
  live: liveRouter,
  lab: labRouter,
  slo: sloRouter,
  clusters: clustersRouter,
});

export type AppRouter = typeof appRouter;
