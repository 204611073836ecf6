import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Writes `text` to `file` through a temporary file and a rename: a crash leaves the old file or the new one. */
export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
