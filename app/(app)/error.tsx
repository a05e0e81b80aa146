"use client";

import { errorMessage } from "@/components/trpc/errors";
import { IconAlert } from "@/components/ui/icons";

export default function AppError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="page">
      <div className="card">
        <div className="empty">
          <div className="empty-icon">
            <IconAlert />
          </div>
          <h1>This page could not load</h1>
          <p>
            {errorMessage(error)}
            {error.digest ? ` (digest ${error.digest})` : ""}
          </p>
          <button type="button" className="btn btn-primary" onClick={reset}>
            Try again
          </button>
        </div>
      </div>
    </div>
  );
}
