import { z } from "zod";
import { addMaintenance, createComponent, deleteComponent, removeMaintenance, rotatePushToken, setComponentPaused, updateComponent } from "../health/component-verbs";
import { exportComponentsYaml, importComponentsYaml, importYamlInput } from "../health/components-yaml";
import { componentDetail, componentLatency, componentTransitions, componentUptime, healthOverview, latencyInput, listServices, transitionsInput } from "../health/queries";
import { componentIdInput, componentInput, maintenanceInput, setPausedInput, updateComponentInput } from "../health/schemas";
import { testNowInput, testProbe } from "../health/test-probe";
import { verbCtx } from "../trpc/context";
import { adminProcedure, mergeRouters, operatorProcedure, router, viewerProcedure } from "../trpc/init";

const reads = router({
  overview: viewerProcedure.query(({ ctx }) => healthOverview(ctx.db)),
  component: viewerProcedure.input(componentIdInput).query(({ ctx, input }) => componentDetail(ctx.db, input.id)),
  latency: viewerProcedure.input(latencyInput).query(({ ctx, input }) => componentLatency(ctx.db, input)),
  uptime: viewerProcedure.input(componentIdInput).query(({ ctx, input }) => componentUptime(ctx.db, input.id)),
  transitions: viewerProcedure.input(transitionsInput).query(({ ctx, input }) => componentTransitions(ctx.db, input)),
  services: viewerProcedure.query(({ ctx }) => listServices(ctx.db)),
  exportYaml: viewerProcedure.query(async ({ ctx }) => ({ yaml: await exportComponentsYaml(ctx.db) })),
});

// Inputs are declared for the client's types and parsed again inside each verb, the one path for every caller.
const writes = router({
  createComponent: operatorProcedure.input(componentInput).mutation(({ ctx, input }) => createComponent({ ctx: verbCtx(ctx), input })),
  updateComponent: operatorProcedure.input(updateComponentInput).mutation(({ ctx, input }) => updateComponent({ ctx: verbCtx(ctx), input })),
  deleteComponent: adminProcedure.input(componentIdInput).mutation(({ ctx, input }) => deleteComponent({ ctx: verbCtx(ctx), input })),
  setPaused: operatorProcedure.input(setPausedInput).mutation(({ ctx, input }) => setComponentPaused({ ctx: verbCtx(ctx), input })),
  rotatePushToken: operatorProcedure.input(componentIdInput).mutation(({ ctx, input }) => rotatePushToken({ ctx: verbCtx(ctx), input })),
  testNow: operatorProcedure.input(testNowInput).mutation(({ ctx, input }) => testProbe(ctx.db, ctx.actor, input)),
  addMaintenance: operatorProcedure.input(maintenanceInput).mutation(({ ctx, input }) => addMaintenance({ ctx: verbCtx(ctx), input })),
  removeMaintenance: operatorProcedure.input(z.object({ id: z.uuid() })).mutation(({ ctx, input }) => removeMaintenance({ ctx: verbCtx(ctx), input })),
  importYaml: operatorProcedure.input(importYamlInput).mutation(({ ctx, input }) => importComponentsYaml({ ctx: verbCtx(ctx), input })),
});

export const healthRouter = mergeRouters(reads, writes);
