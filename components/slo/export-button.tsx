"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { IconDownload } from "@/components/health/icons";
import { downloadText } from "./download";

/** OpenSLO v1 YAML of the chosen SLOs (all when `ids` is absent), which Import accepts again. */
export function ExportOpenSloButton({ ids, fileName = "bulwark-slos.yaml", label = "Export OpenSLO", small }: { ids?: string[]; fileName?: string; label?: string; small?: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <>
      <button
        type="button"
        className={small ? "btn btn-sm" : "btn"}
        disabled={busy}
        data-testid="export-openslo"
        title={error ?? `Download as OpenSLO v1 YAML (${fileName})`}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            const { yaml } = await queryClient.fetchQuery(trpc.slo.exportOpenSlo.queryOptions(ids ? { ids } : {}, { staleTime: 0, gcTime: 0 }));
            downloadText(yaml, fileName, "application/yaml");
          } catch (err) {
            setError(errorMessage(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? <span className="spinner" aria-hidden="true" /> : <IconDownload />}
        {label}
      </button>
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}
