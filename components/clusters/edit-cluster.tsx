"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { FormError } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { ClusterForm } from "./cluster-form";

export function EditCluster({ id }: { id: string }) {
  const trpc = useTRPC();
  // Not refetched while the form is open: the form edits what was loaded.
  const q = useQuery(trpc.clusters.get.queryOptions({ id }, { refetchOnWindowFocus: false, staleTime: Number.POSITIVE_INFINITY }));
  return (
    <div className="page">
      <PageHeader title={q.data ? `Edit ${q.data.name}` : "Edit cluster"} lede="Secrets show as ••••••: leave them as they are to keep the stored value, or type a new one." />
      {q.data ? <ClusterForm detail={q.data} /> : q.isError ? <FormError message={errorMessage(q.error)} /> : <div className="card card-body muted">Loading…</div>}
    </div>
  );
}
