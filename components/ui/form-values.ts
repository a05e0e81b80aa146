import type { FieldErrors, FieldValues } from "react-hook-form";

/** The message at a path, or the first one under it (an array item's `tags.2`, a record's `labels.team`). */
export function errorAt<T extends FieldValues>(errors: FieldErrors<T>, path: string): string | undefined {
  let node: unknown = errors;
  for (const key of path.split(".")) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return firstMessage(node);
}

function firstMessage(node: unknown, depth = 0): string | undefined {
  if (!node || typeof node !== "object" || depth > 4) return undefined;
  const m = (node as { message?: unknown }).message;
  if (typeof m === "string" && m) return m;
  for (const [k, v] of Object.entries(node)) {
    if (k === "ref" || k === "type" || k === "types") continue;
    const found = firstMessage(v, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Empty optional inputs are sent as absent, not as "". */
export const emptyToUndefined = (v: unknown) => (v === "" || v == null ? undefined : String(v));

/** A typed number (a decimal comma accepted); NaN for junk so the schema says what is wrong, undefined when empty. */
export const toNumber = (v: unknown) => {
  if (v === "" || v == null) return undefined;
  const n = Number(String(v).trim().replace(",", "."));
  return Number.isFinite(n) ? n : Number.NaN;
};
