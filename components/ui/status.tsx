import type { ReactNode } from "react";
import { IconAlert, IconCheckCircle, IconHelpCircle, IconXCircle } from "./icons";

export type Tone = "ok" | "warn" | "bad" | "unknown";

const icons = { ok: IconCheckCircle, warn: IconAlert, bad: IconXCircle, unknown: IconHelpCircle } as const;

/** A status is never colour alone: icon + text, coloured by tone. */
export function Status({ tone, children, className }: { tone: Tone; children: ReactNode; className?: string }) {
  const Icon = icons[tone];
  return (
    <span className={`status status-${tone}${className ? ` ${className}` : ""}`}>
      <Icon />
      <span>{children}</span>
    </span>
  );
}

export function StatusBadge({ tone, children }: { tone: Tone; children: ReactNode }) {
  const Icon = icons[tone];
  return (
    <span className={tone === "unknown" ? "badge" : `badge badge-${tone}`}>
      <Icon />
      {children}
    </span>
  );
}
