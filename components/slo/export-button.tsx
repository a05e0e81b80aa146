"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/client";
import { DownloadButton } from "@/components/ui/download-button";

/** OpenSLO v1 YAML of the chosen SLOs (all when `ids` is absent), which Import accepts again. */
export function ExportOpenSloButton({ ids, fileName = "bulwark-slos.yaml", label = "Export OpenSLO", small }: { ids?: string[]; fileName?: string; label?: string; small?: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (
    <DownloadButton
      label={label}
      title={`Download as OpenSLO v1 YAML (${fileName})`}
      testId="export-openslo"
      small={small}
      fetchFile={async () => {
        const { yaml } = await queryClient.fetchQuery(trpc.slo.exportOpenSlo.queryOptions(ids ? { ids } : {}, { staleTime: 0, gcTime: 0 }));
        return { text: yaml, filename: fileName, mime: "application/yaml" };
      }}
    />
  );
}
