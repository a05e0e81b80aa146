/**
 * What an OpenSLO import finds on its way: errors (the import writes nothing)
 * and notes about fields Bulwark does not model (the import goes ahead, and
 * the report lists them so nothing is dropped silently).
 *
 * Error keys are `documents.<index>.<path>` with the zero-based position of
 * the document in the YAML stream, e.g. `documents.2.spec.objectives`; note
 * paths are the same without the prefix.
 */
import type { ImportReport } from "../types";

export type Note = ImportReport["unsupported"][number];

export const docKey = (doc: number, path: string): string => (path ? `documents.${doc}.${path}` : `documents.${doc}`);

export class ImportFindings {
  readonly errors: Record<string, string[]> = {};
  private readonly notes = new Map<string, Note>();

  error(doc: number, path: string, message: string): void {
    this.errorAt(docKey(doc, path), message);
  }

  /** The same message twice (an SLI referenced by two SLOs) is kept once. */
  errorAt(key: string, message: string): void {
    const list = (this.errors[key] ??= []);
    if (!list.includes(message)) list.push(message);
  }

  /** An SLI referenced by two SLOs is reported once. */
  note(doc: number, path: string, note: string): void {
    const k = `${doc}\u0000${path}`;
    if (!this.notes.has(k)) this.notes.set(k, { document: doc, path, note });
  }

  /** Reports every key of `obj` outside `known`. */
  extras(doc: number, obj: object | null | undefined, known: readonly string[], path: string, why = "Bulwark does not model this field; it was not imported"): void {
    if (!obj) return;
    for (const k of Object.keys(obj)) if (!known.includes(k)) this.note(doc, path ? `${path}.${k}` : k, why);
  }

  get hasErrors(): boolean {
    return Object.keys(this.errors).length > 0;
  }

  unsupported(): Note[] {
    return [...this.notes.values()].sort((a, b) => a.document - b.document || a.path.localeCompare(b.path));
  }
}
