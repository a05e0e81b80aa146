import { TRPCClientError } from "@trpc/client";
import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import type { AppRouter } from "@/server/routers/_app";

type ErrorData = { code?: string; fieldErrors?: Record<string, string[] | undefined>; requestId?: string };

function data(err: unknown): ErrorData | undefined {
  if (err instanceof TRPCClientError) return (err as TRPCClientError<AppRouter>).data as ErrorData | undefined;
  return undefined;
}

/**
 * A sentence for a person. Server messages are written for people already;
 * unknown errors arrive as "Something went wrong. Request id: …", kept as is so
 * the id can be quoted to whoever reads the logs.
 */
export function errorMessage(err: unknown): string {
  const d = data(err);
  if (d?.code === "UNAUTHORIZED") return "Your session has ended. Sign in again.";
  if (err instanceof TRPCClientError && !d) {
    return /fetch|network|load failed/i.test(err.message) ? "Cannot reach the Bulwark server. Check your connection and try again." : err.message;
  }
  // tRPC's own input validation sends the raw zod issues as its message: say it with the field errors instead.
  if (err instanceof Error && err.message.trimStart().startsWith("[") && d?.fieldErrors) {
    const parts = Object.entries(d.fieldErrors).flatMap(([field, messages]) => (messages?.[0] ? [`${field}: ${messages[0]}`] : []));
    if (parts.length) return `Invalid input: ${parts.join("; ")}`;
  }
  if (err instanceof Error) return err.message;
  return "Something went wrong.";
}

/**
 * Puts the server's field errors on the form's fields. Returns the message to
 * show above the form, or undefined when every error found its field.
 */
export function applyServerErrors<T extends FieldValues>(err: unknown, setError: UseFormSetError<T>, fields: readonly Path<T>[]): string | undefined {
  const fieldErrors = data(err)?.fieldErrors;
  let placed = 0;
  let unplaced = false;
  if (fieldErrors) {
    for (const [key, messages] of Object.entries(fieldErrors)) {
      const message = messages?.[0];
      if (!message) continue;
      const field = fields.find((f) => f === key);
      if (field) {
        setError(field, { type: "server", message }, { shouldFocus: placed === 0 });
        placed++;
      } else {
        unplaced = true;
      }
    }
  }
  return placed > 0 && !unplaced ? undefined : errorMessage(err);
}
