import { type VerbCtx, mutation } from "../core/verb";
import { log } from "../log";
import { labService, postLabKnobs } from "./lab-client";
import { type LabKnobs, type LabServiceState, setKnobsInput } from "./schemas";

const knobsOf = (s: LabKnobs): LabKnobs => ({ latencyMs: s.latencyMs, failureRate: s.failureRate, down: s.down });

/**
 * Changes a lab service's knobs (operator+). The lab is called first, inside
 * the transaction: a refused or failed call throws, so no audit row claims a
 * change that did not happen. The audit row (`lab.knobs.set`, from → to) is
 * the change record; a `lab.knobs.changed` event lets other lab cards refresh.
 * If the transaction then fails to commit, the knobs are put back.
 */
export async function setLabKnobs({ ctx, input }: { ctx: VerbCtx; input: unknown }): Promise<LabServiceState> {
  const applied: { before?: LabServiceState } = {};
  try {
    return await mutation(ctx, { role: "operator", schema: setKnobsInput, input }, async ({ input, audit, emit, unchanged }) => {
      const { service, ...patch } = input;
      const before = await labService(service);
      const to = { ...knobsOf(before), ...patch };
      if (to.latencyMs === before.latencyMs && to.failureRate === before.failureRate && to.down === before.down) {
        unchanged();
        return before;
      }
      const after = await postLabKnobs({ service, ...patch });
      applied.before = before;
      await audit({ action: "lab.knobs.set", targetType: "lab_service", targetId: service, details: { url: after.url, from: knobsOf(before), to: knobsOf(after) } });
      await emit({ type: "lab.knobs.changed", topic: "lab", payload: { service } });
      return after;
    });
  } catch (err) {
    const before = applied.before;
    if (before) {
      await postLabKnobs({ service: before.name, ...knobsOf(before) }).catch((revertErr: unknown) =>
        log.error({ err: revertErr, service: before.name }, "lab knobs changed but not recorded, and putting them back failed"),
      );
    }
    throw err;
  }
}
