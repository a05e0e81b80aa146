"use client";

import { useState } from "react";
import { errorMessage } from "@/components/trpc/errors";
import { downloadText } from "./download";
import { IconDownload } from "./icons";

export type DownloadedFile = { text: string; filename: string; mime?: string };

/**
 * A button that fetches a file's text from the server when pressed and saves
 * it: a spinner while it works, and the error beside it (and in the tooltip)
 * when it fails.
 */
export function DownloadButton({
  fetchFile,
  label,
  title,
  testId,
  small,
}: {
  fetchFile: () => Promise<DownloadedFile>;
  label: string;
  title: string;
  testId?: string;
  small?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <>
      <button
        type="button"
        className={small ? "btn btn-sm" : "btn"}
        disabled={busy}
        data-testid={testId}
        title={error ?? title}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            const f = await fetchFile();
            downloadText(f.text, f.filename, f.mime);
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
