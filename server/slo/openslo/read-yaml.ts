/**
 * Splits an OpenSLO file into its YAML documents. Syntax errors say where
 * (line and column), because a 400-line multi-document file is hard to fix
 * from "invalid YAML" alone.
 */
import { parseAllDocuments } from "yaml";
import { AppError } from "../../errors";

export interface YamlDocument {
  /** position in the stream, zero-based; empty documents keep their place */
  index: number;
  value: unknown;
}

/** Aliases are resolved by copying; a small cap stops "billion laughs" input from exploding in memory. */
const MAX_ALIAS_COUNT = 100;

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}

export function readYamlDocuments(text: string): YamlDocument[] {
  const docs = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  const problems: string[] = [];
  for (const doc of docs) {
    for (const e of doc.errors) {
      const at = e.linePos?.[0];
      problems.push(at ? `line ${at.line}, column ${at.col}: ${firstLine(e.message)}` : firstLine(e.message));
    }
  }
  if (problems.length > 0) {
    throw new AppError("BAD_REQUEST", `Malformed YAML at ${problems[0]}`, { fieldErrors: { yaml: problems } });
  }
  return docs.map((doc, index) => {
    try {
      return { index, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new AppError("BAD_REQUEST", `Document ${index} cannot be read: ${message}`, { fieldErrors: { [`documents.${index}`]: [message] } });
    }
  });
}
