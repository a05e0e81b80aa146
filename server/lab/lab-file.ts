import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { type LabFile, labFile } from "./schemas";

/** Reads `lab.json`; null when it is missing or unreadable. */
export function readLabFile(file: string): LabFile | null {
  if (!existsSync(file)) return null;
  try {
    const parsed = labFile.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. Mode 0600: it holds the token. */
export function writeLabFile(file: string, data: LabFile): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(data, null, 2), { mode: 0o600 });
  renameSync(tmp, file);
}
