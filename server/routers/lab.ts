import { z } from "zod";
import { labStatus } from "../lab/lab-client";
import { labServiceState, labStatus as labStatusSchema, setKnobsInput } from "../lab/schemas";
import { setLabKnobs } from "../lab/set-knobs";
import { verbCtx } from "../trpc/context";
import { operatorProcedure, router, viewerProcedure } from "../trpc/init";

export const labRouter = router({
  /** The demo lab's sample services and their knobs, or why there is no lab. */
  status: viewerProcedure.input(z.void()).output(labStatusSchema).query(() => labStatus()),
  /** Audited as `lab.knobs.set`. */
  setKnobs: operatorProcedure
    .input(setKnobsInput)
    .output(labServiceState)
    .mutation(({ ctx, input }) => setLabKnobs({ ctx: verbCtx(ctx), input })),
});
