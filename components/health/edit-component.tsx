"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { FormError } from "@/components/ui/field";
import { IconChevronRight } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { ComponentForm } from "./component-form";
import styles from "./component.module.css";

export function EditComponent({ id }: { id: string }) {
  const trpc = useTRPC();
  // Read once: live updates must not reset what is being typed.
  const q = useQuery(trpc.health.component.queryOptions({ id }, { staleTime: Number.POSITIVE_INFINITY }));
  if (q.isError) return <div className="page"><FormError message={errorMessage(q.error)} /></div>;
  if (!q.data) return <div className="page muted">Loading…</div>;
  const c = q.data;
  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className={styles.crumbs}>
        <Link href="/health">Health</Link>
        <IconChevronRight />
        <Link href={`/health/${c.id}`}>{c.name}</Link>
      </nav>
      <PageHeader title={`Edit ${c.name}`} lede="Changes apply from the next check. Stored passwords stay unless you replace them." />
      <ComponentForm detail={c} />
    </div>
  );
}
