import type { ComponentType, SVGProps } from "react";
import { IconAlert, IconCheckCircle, IconHelpCircle, IconXCircle } from "@/components/ui/icons";
import type { SloStateName } from "@/server/slo/schemas";
import { IconFlame } from "./icons";

type Meta = { label: string; icon: ComponentType<SVGProps<SVGSVGElement>>; badge: string; description: string };

/** Every state has an icon and a word: colour is never the only signal. */
export const sloStateMeta: Record<SloStateName, Meta> = {
  ok: { label: "OK", icon: IconCheckCircle, badge: "badge badge-ok", description: "Meeting the objective; no burn-rate alert firing" },
  warning: { label: "Warning", icon: IconAlert, badge: "badge badge-warn", description: "A ticket-level burn-rate alert is firing: the budget is burning faster than it should" },
  page: { label: "Page", icon: IconFlame, badge: "badge badge-bad", description: "A page-level burn-rate alert is firing: the budget will be gone soon at this rate" },
  breached: { label: "Breached", icon: IconXCircle, badge: "badge badge-bad", description: "The objective is violated over the window: the error budget is spent" },
  no_data: { label: "No data", icon: IconHelpCircle, badge: "badge", description: "No events in the window yet: neither 100 % nor 0 %" },
  error: { label: "Error", icon: IconXCircle, badge: "badge badge-bad", description: "The SLI could not be read" },
};

export function SloStateBadge({ state, error, testId }: { state: SloStateName; error?: string | null; testId?: string }) {
  const m = sloStateMeta[state];
  const Icon = m.icon;
  const title = state === "error" && error ? `${m.description}: ${error}` : m.description;
  return (
    <span className={m.badge} data-state={state} data-testid={testId} title={title}>
      <Icon />
      {m.label}
    </span>
  );
}
