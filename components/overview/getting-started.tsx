"use client";

import { useHealthOverview } from "@/components/health/use-overview";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { useTRPC } from "@/components/trpc/client";
import { IconCheckCircle, IconChevronRight } from "@/components/ui/icons";
import type { Role } from "@/server/core/actor";
import styles from "./overview.module.css";

type Step = { key: string; title: string; href: string; body: ReactNode; state: "done" | "todo" | "later" };

function StepIcon({ state }: { state: Step["state"] }) {
  if (state === "done") return <IconCheckCircle className={styles.done} />;
  return <span className={state === "todo" ? styles.todo : styles.later} aria-hidden="true" />;
}

const stateLabel = { done: "Done", todo: "To do", later: "Not available yet" } as const;

/** Only steps whose state Bulwark can actually see; the rest are labelled as not available yet. */
export function GettingStarted({ me }: { me: { role: Role; mustChangePassword: boolean } }) {
  const trpc = useTRPC();
  const workers = useQuery(trpc.system.workers.queryOptions());
  const users = useQuery(trpc.users.list.queryOptions(undefined, { enabled: me.role === "admin" }));
  // The fleet card above reads the same query and keeps it live.
  const health = useHealthOverview();
  const components = health.data?.components.length ?? 0;
  const slos = useQuery(trpc.slo.list.queryOptions({})).data?.length ?? 0;
  const clusters = useQuery(trpc.clusters.list.queryOptions()).data ?? [];
  const switched = clusters.filter((c) => c.lastOperation).length;

  const steps: Step[] = [
    {
      key: "password",
      title: "Choose your own password",
      href: "/settings#change-password",
      body: me.mustChangePassword ? "You are using a one-time password. Replace it under Settings." : "Your account has a password only you know.",
      state: me.mustChangePassword ? "todo" : "done",
    },
    {
      key: "worker",
      title: "Run a worker",
      href: "/#workers",
      body: "The worker runs the probes, SLO evaluation, operations and retention. npm start runs one for you.",
      state: workers.data?.state === "up" ? "done" : "todo",
    },
  ];
  if (me.role === "admin") {
    const others = (users.data?.length ?? 1) - 1;
    steps.push({
      key: "team",
      title: "Add your team",
      href: "/settings/users",
      body: others > 0 ? `${others} other ${others === 1 ? "person has" : "people have"} an account.` : "Create accounts for the on-call engineers: viewers read, operators act, admins configure.",
      state: others > 0 ? "done" : "todo",
    });
  }
  steps.push(
    {
      key: "audit",
      title: "Check the audit log",
      href: "/audit",
      body: "Every sign-in and change is recorded there, append-only.",
      state: "done",
    },
    {
      key: "health",
      title: "Watch your components",
      href: components > 0 || me.role === "viewer" ? "/health" : "/health/new",
      body:
        components > 0
          ? `${components.toLocaleString()} component${components === 1 ? " is" : "s are"} checked: HTTP, TCP, WebSocket, PostgreSQL, Redis, Patroni, PgBouncer or heartbeats.`
          : me.role === "viewer"
            ? "No components yet: an operator or admin adds the endpoints, databases and jobs to check."
            : "Add the endpoints, databases and jobs your services depend on, or import them from YAML.",
      state: components > 0 ? "done" : "todo",
    },
    {
      key: "slos",
      title: "Set SLOs and error budgets",
      href: slos > 0 || me.role === "viewer" ? "/slos" : "/slos/new",
      body:
        slos > 0
          ? `${slos.toLocaleString()} SLO${slos === 1 ? "" : "s"} with budgets, burn-rate alerts and the deploy gate.`
          : me.role === "viewer"
            ? "No SLOs yet: an operator or admin defines objectives on the probes, pushed events or Prometheus."
            : "Define objectives on the probes, pushed events or Prometheus; the budget policy gates deploys.",
      state: slos > 0 ? "done" : "todo",
    },
    {
      key: "clusters",
      title: "Add a database cluster",
      href: clusters.length > 0 || me.role !== "admin" ? "/clusters" : "/clusters/new",
      body:
        clusters.length > 0
          ? `${clusters.length} cluster${clusters.length === 1 ? "" : "s"}${switched > 0 ? `, ${switched} switched over at least once` : ": press Switchover on one and watch it, measured"}.`
          : me.role === "admin"
            ? "PostgreSQL (streaming or Patroni) or Redis Sentinel: Bulwark watches the roles and moves the primary with one audited click."
            : "No clusters yet: an admin adds PostgreSQL or Redis clusters; operators switch them over.",
      state: clusters.length > 0 ? "done" : "todo",
    },
    { key: "runbooks", title: "Write runbooks and plan drills", href: "/runbooks", body: "Executable checklists and DR drills arrive with their capabilities.", state: "later" },
  );

  const open = steps.filter((s) => s.state === "todo").length;
  return (
    <section className="card" aria-labelledby="start-title">
      <div className="card-header">
        <h2 id="start-title">Getting started</h2>
        <span className="spacer" />
        <span className="muted">{open === 0 ? "Nothing waiting on you" : `${open} to do`}</span>
      </div>
      <ol className={styles.steps} data-testid="getting-started">
        {steps.map((s) => (
          <li key={s.key} className={styles.step} data-state={s.state} data-step={s.key}>
            <StepIcon state={s.state} />
            <div className={styles.stepText}>
              <Link href={s.href} className={styles.stepTitle}>
                {s.title}
              </Link>
              <span className="muted">{s.body}</span>
            </div>
            <span className={s.state === "done" ? "badge badge-ok" : s.state === "todo" ? "badge badge-warn" : "badge"}>{stateLabel[s.state]}</span>
            <IconChevronRight className={styles.chevron} />
          </li>
        ))}
      </ol>
    </section>
  );
}
