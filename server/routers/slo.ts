import { z } from "zod";
import { exportOpenSlo } from "../slo/openslo/export-openslo";
import { importOpenSlo } from "../slo/openslo/import-openslo";
import { gateAnswer, grantOverride, listOverrides, revokeOverride } from "../slo/gate";
import { deletePolicy, listPolicies, savePolicy } from "../slo/policies";
import { previewSlo } from "../slo/preview";
import { prometheusRules } from "../slo/prometheus-rules";
import { listSlos, sloDetail, sloSeries } from "../slo/queries";
import { reportExport, serviceReport } from "../slo/report";
import {
  adjustmentIdInput,
  adjustmentInput,
  createTokenInput,
  gateOverrideInput,
  gateQuery,
  listSlosInput,
  openSloExportInput,
  openSloImportInput,
  overrideIdInput,
  policyIdInput,
  policyInput,
  previewInput,
  reportInput,
  seriesInput,
  sloIdInput,
  sloInput,
  tokenIdInput,
  updateSloInput,
} from "../slo/schemas";
import { addAdjustment, createSlo, deleteSlo, removeAdjustment, updateSlo } from "../slo/slo-verbs";
import { createToken, listTokens, revokeToken } from "../slo/tokens";
import { verbCtx } from "../trpc/context";
import { adminProcedure, mergeRouters, operatorProcedure, router, viewerProcedure } from "../trpc/init";

const reads = router({
  list: viewerProcedure.input(listSlosInput).query(({ ctx, input }) => listSlos(ctx.db, input)),
  detail: viewerProcedure.input(sloIdInput).query(({ ctx, input }) => sloDetail(ctx.db, input.id)),
  series: viewerProcedure.input(seriesInput).query(({ ctx, input }) => sloSeries(ctx.db, input)),
  // Operator: a Prometheus preview makes the web process fetch the URL in the input; viewers must not steer that.
  preview: operatorProcedure.input(previewInput).query(({ ctx, input }) => previewSlo(ctx.db, input)),
  policies: viewerProcedure.query(({ ctx }) => listPolicies(ctx.db)),
  tokens: viewerProcedure.query(({ ctx }) => listTokens(ctx.db)),
  gate: viewerProcedure.input(gateQuery).query(({ ctx, input }) => gateAnswer(ctx.db, input.service)),
  overrides: viewerProcedure.query(({ ctx }) => listOverrides(ctx.db)),
  report: viewerProcedure.input(reportInput).query(({ ctx, input }) => serviceReport(ctx.db, input)),
  reportExport: viewerProcedure
    .input(reportInput.extend({ format: z.enum(["csv", "markdown"]) }))
    .query(({ ctx, input }) => reportExport(ctx.db, input)),
  exportOpenSlo: viewerProcedure.input(openSloExportInput).query(({ ctx, input }) => exportOpenSlo(ctx.db, input)),
  prometheusRules: viewerProcedure.input(sloIdInput).query(({ ctx, input }) => prometheusRules(ctx.db, input.id)),
});

// Inputs are declared for the client's types and parsed again inside each verb, the one path for every caller.
const writes = router({
  create: operatorProcedure.input(sloInput).mutation(({ ctx, input }) => createSlo({ ctx: verbCtx(ctx), input })),
  update: operatorProcedure.input(updateSloInput).mutation(({ ctx, input }) => updateSlo({ ctx: verbCtx(ctx), input })),
  delete: adminProcedure.input(sloIdInput).mutation(({ ctx, input }) => deleteSlo({ ctx: verbCtx(ctx), input })),
  addAdjustment: operatorProcedure.input(adjustmentInput).mutation(({ ctx, input }) => addAdjustment({ ctx: verbCtx(ctx), input })),
  removeAdjustment: operatorProcedure.input(adjustmentIdInput).mutation(({ ctx, input }) => removeAdjustment({ ctx: verbCtx(ctx), input })),
  savePolicy: adminProcedure.input(policyInput).mutation(({ ctx, input }) => savePolicy({ ctx: verbCtx(ctx), input })),
  deletePolicy: adminProcedure.input(policyIdInput).mutation(({ ctx, input }) => deletePolicy({ ctx: verbCtx(ctx), input })),
  createToken: adminProcedure.input(createTokenInput).mutation(({ ctx, input }) => createToken({ ctx: verbCtx(ctx), input })),
  revokeToken: adminProcedure.input(tokenIdInput).mutation(({ ctx, input }) => revokeToken({ ctx: verbCtx(ctx), input })),
  grantOverride: adminProcedure.input(gateOverrideInput).mutation(({ ctx, input }) => grantOverride({ ctx: verbCtx(ctx), input })),
  revokeOverride: adminProcedure.input(overrideIdInput).mutation(({ ctx, input }) => revokeOverride({ ctx: verbCtx(ctx), input })),
  importOpenSlo: operatorProcedure.input(openSloImportInput).mutation(({ ctx, input }) => importOpenSlo({ ctx: verbCtx(ctx), input })),
});

export const sloRouter = mergeRouters(reads, writes);
