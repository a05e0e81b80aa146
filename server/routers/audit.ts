import { auditActions, listAudit, listAuditInput } from "../audit/list-audit";
import { router, viewerProcedure } from "../trpc/init";

export const auditRouter = router({
  list: viewerProcedure.input(listAuditInput).query(({ ctx, input }) => listAudit(ctx.db, input)),
  actions: viewerProcedure.query(({ ctx }) => auditActions(ctx.db)),
});
