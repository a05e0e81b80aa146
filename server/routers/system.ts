import { liveBus } from "../events/live-bus";
import { publicProcedure, router, viewerProcedure } from "../trpc/init";

export const systemRouter = router({
  /** Who am I: null when signed out. Public so the login page can ask. */
  me: publicProcedure.query(({ ctx }) =>
    ctx.actor.type === "user"
      ? { id: ctx.actor.id, email: ctx.actor.email, name: ctx.actor.name, role: ctx.actor.role, mustChangePassword: ctx.mustChangePassword ?? false }
      : null,
  ),
  workers: viewerProcedure.query(async () => (await liveBus()).workers()),
});
