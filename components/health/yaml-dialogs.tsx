"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { errorMessage } from "@/components/trpc/errors";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import { IconCheckCircle } from "@/components/ui/icons";
import { DownloadButton } from "@/components/ui/download-button";
import styles from "./health.module.css";
import { serverFieldErrors } from "./server-errors";

const FILE_NAME = "bulwark-components.yaml";

/** Every component as YAML that Import accepts again (secrets are not exported). */
export function ExportButton() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (
    <DownloadButton
      label="Export YAML"
      title={`Download every component as ${FILE_NAME}`}
      testId="export-yaml"
      fetchFile={async () => {
        const { yaml } = await queryClient.fetchQuery(trpc.health.exportYaml.queryOptions(undefined, { staleTime: 0, gcTime: 0 }));
        return { text: yaml, filename: FILE_NAME, mime: "application/yaml" };
      }}
    />
  );
}

type EntryError = { index: number | null; name?: string; field: string; message: string };

/** `components.3.config.url` → entry 3, field `config.url`; names looked up in the pasted text. */
async function entryErrors(fieldErrors: Record<string, string[] | undefined>, text: string): Promise<EntryError[]> {
  let names: (string | undefined)[] = [];
  try {
    const { parse } = await import("yaml");
    const doc: unknown = parse(text);
    const list = doc && typeof doc === "object" && "components" in doc ? (doc as { components: unknown }).components : undefined;
    if (Array.isArray(list)) names = list.map((c: unknown) => (c && typeof c === "object" && "name" in c && typeof c.name === "string" ? c.name : undefined));
  } catch {
    // Unparseable YAML: the server's message says where.
  }
  const out: EntryError[] = [];
  for (const [key, messages] of Object.entries(fieldErrors)) {
    const m = /^components\.(\d+)(?:\.(.+))?$/.exec(key);
    const index = m ? Number(m[1]) : null;
    for (const message of messages ?? []) {
      out.push({ index, name: index === null ? undefined : names[index], field: m ? (m[2] ?? "") : key === "_form" ? "" : key, message });
    }
  }
  return out.sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
}

const example = `components:
  - name: api /health
    service: checkout
    kind: http
    intervalMs: 10000
    config:
      url: https://checkout.internal/health
  - name: orders-db
    service: checkout
    kind: postgres
    config:
      host: 10.0.0.12
      user: bulwark_ro
`;

/** Paste or upload a YAML document; all of it is saved, or none of it. */
export function ImportDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const [errors, setErrors] = useState<EntryError[]>([]);
  const [formError, setFormError] = useState<string>();
  const [done, setDone] = useState<{ created: number; updated: number } | null>(null);
  const importYaml = useMutation(
    trpc.health.importYaml.mutationOptions({
      onSuccess: () => Promise.all([queryClient.invalidateQueries(trpc.health.overview.queryFilter()), queryClient.invalidateQueries(trpc.health.services.queryFilter())]),
    }),
  );

  const close = () => {
    setText("");
    setErrors([]);
    setFormError(undefined);
    setDone(null);
    importYaml.reset();
    onClose();
  };

  const submit = async () => {
    setErrors([]);
    setFormError(undefined);
    try {
      setDone(await importYaml.mutateAsync({ yaml: text }));
    } catch (err) {
      const fe = serverFieldErrors(err);
      const list = fe ? await entryErrors(fe, text) : [];
      setErrors(list);
      // The server says how many entries failed and that nothing was saved; the list below says where.
      setFormError(errorMessage(err));
    }
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Import components from YAML"
      testId="import-dialog"
      actions={
        done ? (
          <button type="button" className="btn btn-primary" onClick={close} data-autofocus>
            Done
          </button>
        ) : (
          <>
            <button type="button" className="btn" onClick={close}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" onClick={() => void submit()} disabled={importYaml.isPending || text.trim() === ""} data-testid="import-submit">
              {importYaml.isPending ? <span className="spinner" aria-hidden="true" /> : null}
              Import
            </button>
          </>
        )
      }
    >
      <div className={styles.importBody}>
        {done ? (
          <div className="alert alert-ok" role="status" data-testid="import-done">
            <IconCheckCircle />
            <span>
              Imported: {done.created} created, {done.updated} updated.
            </span>
          </div>
        ) : (
          <>
            <p className="muted">
              A <code>components:</code> list, each entry with the same fields as the form (<code>name</code>, <code>service</code>, <code>kind</code>,{" "}
              <code>config</code>, and optional <code>intervalMs</code>, <code>timeoutMs</code>, thresholds, <code>tags</code>). A component with the same
              service and name is updated. If any entry is invalid, nothing is saved.
            </p>
            <FormError message={formError} testId="import-error" />
            {errors.length > 0 ? (
              <ul className={styles.entryErrors} data-testid="import-entry-errors">
                {errors.map((e, i) => (
                  <li key={i}>
                    <strong>{e.index === null ? "Document" : `Entry ${e.index + 1}`}</strong>
                    {e.name ? <span className="muted"> ({e.name})</span> : null}
                    {e.field ? (
                      <>
                        {" "}
                        <code>{e.field}</code>
                      </>
                    ) : null}
                    : {e.message}
                  </li>
                ))}
              </ul>
            ) : null}
            <label className="label" htmlFor="import-yaml-text">
              YAML
            </label>
            <textarea
              id="import-yaml-text"
              className={`input ${styles.yaml}`}
              spellCheck={false}
              placeholder={example}
              value={text}
              onChange={(e) => setText(e.target.value)}
              data-autofocus
              data-testid="import-text"
            />
            <div className="row">
              <label className={`btn btn-sm ${styles.fileButton}`}>
                <input
                  type="file"
                  accept=".yaml,.yml,application/yaml,text/yaml,text/plain"
                  className="sr-only"
                  onChange={async (e) => {
                    const f = e.target.files?.[0];
                    if (f) setText(await f.text());
                    e.target.value = "";
                  }}
                />
                Choose a file…
              </label>
              <span className="hint">or paste above. An export from another Bulwark works as is.</span>
            </div>
          </>
        )}
      </div>
    </Dialog>
  );
}
