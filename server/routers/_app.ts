import { router } from "../trpc/init";
import { auditRouter } from "./audit";
import { liveRouter } from "./live";
import { systemRouter } from "./system";
import { usersRouter } from "./users";

export const appRouter = router({
  system: systemRouter,
  users: usersRouter,
  audit: auditRouter,
  live: liveRouter,
});

export type AppRouter = typeof appRouter;
