import { TRPCClientError } from "@trpc/client";

/** The `fieldErrors` the server attaches to a BAD_REQUEST or CONFLICT (keys are dotted paths). */
export function serverFieldErrors(err: unknown): Record<string, string[] | undefined> | undefined {
  if (!(err instanceof TRPCClientError)) return undefined;
  const data: unknown = err.data;
  if (!data || typeof data !== "object" || !("fieldErrors" in data)) return undefined;
  const fe = (data as { fieldErrors?: unknown }).fieldErrors;
  return fe && typeof fe === "object" ? (fe as Record<string, string[] | undefined>) : undefined;
}
