import type { ComponentType, ReactNode } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { IconDrill, IconHealth, IconIncident, IconInfo, IconReview, IconRunbook, IconTarget } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";

type Capability = {
  title: string;
  lede: string;
  icon: ComponentType;
  emptyTitle: string;
  /** what the page will show */
  body: ReactNode;
  features: string[];
  /** how the first item gets here, honestly */
  howToAdd: ReactNode;
};

/**
 * Pages whose capability has not shipped yet. Each says what will be here and
 * how the first item will get added; no fake rows, no buttons that do nothing.
 */
export const capabilities = {
  health: {
    title: "Health",
    lede: "Live state of every component your services depend on.",
    icon: IconHealth,
    emptyTitle: "No components yet",
    body: "Components are the endpoints Bulwark watches. The worker probes each one on its own interval and records every change of state with its cause.",
    features: [
      "Each component as up, degraded or down, with latency and the last probe result",
      "HTTP, TCP, WebSocket, PostgreSQL, Redis, Patroni and PgBouncer probes, plus pushed results",
      "A history of transitions, so you can see when and why something flapped",
    ],
    howToAdd: "Admins will add components to services here; this arrives with the health checks capability. Until then there is nothing to probe.",
  },
  slos: {
    title: "SLOs",
    lede: "Service level objectives, error budgets and what they allow.",
    icon: IconTarget,
    emptyTitle: "No SLOs yet",
    body: "An SLO sets an objective on an indicator — for example 99.9% of probes good over a rolling 30 days — and turns what is left into an error budget.",
    features: [
      "Attainment, remaining error budget and burn rate for each SLO",
      "Indicators from probes, pushed events or a Prometheus query",
      "Budget policies in force: notify, require review for risky changes, freeze deploys",
    ],
    howToAdd: "Admins will define SLOs on components here; this arrives with the SLO capability, after health checks.",
  },
  runbooks: {
    title: "Runbooks",
    lede: "Executable checklists for the things on-call does under pressure.",
    icon: IconRunbook,
    emptyTitle: "No runbooks yet",
    body: "A runbook is a versioned list of steps: a manual check, a command to copy, a link, or an automated action Bulwark performs.",
    features: [
      "Every runbook with its current version and when it was last run",
      "Runs step by step: who ticked what, when, with the evidence they attached",
      "Every run recorded in the audit log",
    ],
    howToAdd: "Admins will write runbooks here and operators will run them; this arrives with the runbooks capability.",
  },
  drills: {
    title: "Drills",
    lede: "Disaster-recovery drills with a hypothesis, a fault and a verdict.",
    icon: IconDrill,
    emptyTitle: "No drills yet",
    body: "A drill states a hypothesis, injects a fault, watches steady-state checks and abort conditions, and measures recovery against RTO and RPO targets.",
    features: [
      "Planned drills with their targets and last verdict",
      "Each run live, step by step, with measured RTO, RPO and write unavailability",
      "Results kept as evidence for reliability reviews",
    ],
    howToAdd: "Admins will plan drills here and operators will run them; this arrives with the drills capability, after clusters.",
  },
  reviews: {
    title: "Reviews",
    lede: "Production-readiness and reliability reviews, signed off.",
    icon: IconReview,
    emptyTitle: "No reviews yet",
    body: "A review is a checklist for a service, with items evidenced from live data where possible, approvers, and a sign-off that freezes the record.",
    features: [
      "Open and signed-off reviews per service",
      "Checklist items with their evidence: SLO attainment, drill results, runbook coverage",
      "Action items with owners and due dates",
    ],
    howToAdd: "Admins and operators will start reviews here; this arrives with the reviews capability.",
  },
  incidents: {
    title: "Incidents",
    lede: "Degradations and SLO breaches, as they open and resolve.",
    icon: IconIncident,
    emptyTitle: "No incidents",
    body: "Nothing has opened an incident. Incidents open on their own when a component degrades or an SLO is breached, and close when it recovers.",
    features: [
      "Open and recent incidents with their timeline and affected services",
      "Acknowledgement by operators",
      "Trends per service: how often, how long",
    ],
    howToAdd: "There is nothing to watch yet: incidents start once components are probed (health checks) and SLOs are defined.",
  },
} satisfies Record<string, Capability>;

export type CapabilityId = keyof typeof capabilities;

/** `children`: what already works for this capability, shown under its empty state. */
export function CapabilityPage({ id, children }: { id: CapabilityId; children?: ReactNode }) {
  const c: Capability = capabilities[id];
  const Icon = c.icon;
  return (
    <div className="page">
      <PageHeader title={c.title} lede={c.lede} />
      <section className="card" data-testid="empty-state">
        <EmptyState icon={<Icon />} title={c.emptyTitle}>
          <p>{c.body}</p>
          <p className="label" style={{ marginTop: 4 }}>
            This page will show
          </p>
          <ul style={{ marginTop: 0 }}>
            {c.features.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
          <p style={{ marginTop: 6 }}>
            <IconInfo /> {c.howToAdd}
          </p>
        </EmptyState>
      </section>
      {children}
    </div>
  );
}
