import type { ReactNode } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

/** What a page that needs a higher role shows instead: its title, why not, and what to do; no controls. */
export function ForbiddenPage({ title, icon, heading, testId, children }: { title: string; icon: ReactNode; heading: string; testId: string; children: ReactNode }) {
  return (
    <div className="page">
      <PageHeader title={title} />
      <section className="card" data-testid={testId}>
        <EmptyState icon={icon} title={heading}>
          {children}
        </EmptyState>
      </section>
    </div>
  );
}
