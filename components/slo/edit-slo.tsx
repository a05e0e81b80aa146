"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { FormError } from "@/components/ui/field";
import { IconChevronRight } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { SloForm } from "./slo-form";
import styles from "./slo.module.css";

export function EditSlo({ id }: { id: string }) {
  const trpc = useTRPC();
  // Read once: live updates must not reset what is being typed.
  const q = useQuery(trpc.slo.detail.queryOptions({ id }, { staleTime: Number.POSITIVE_INFINITY }));
  if (q.isError)
    return (
      <div className="page">
        <FormError message={errorMessage(q.error)} />
      </div>
    );
  if (!q.data) return <div className="page muted">Loading…</div>;
  const s = q.data.slo;
  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className={styles.crumbs}>
        <Link href="/slos">SLOs</Link>
        <IconChevronRight />
        <Link href={`/slos/${s.id}`}>{s.name}</Link>
      </nav>
      <PageHeader title={`Edit ${s.name}`} lede="Changes apply from the next evaluation; stored data is kept, so the preview shows the new definition over it." />
      <SloForm detail={s} />
    </div>
  );
}
