import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Writes `text` to `file` through a temporary file and a rename: a crash, or a power loss, leaves the old file or
 * the new one, never an empty or half one. The temporary file is fsynced before the rename (else a power loss can
 * persist the rename before the data), and the directory after it (else the rename itself can be lost).
 */
export function writeFileAtomic(file: string, text: string): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeFileSync(fd, text); // loops over short writes, unlike one writeSync
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  syncDir(dir);
}

/** fsyncs a directory's entries; a no-op where directories cannot be opened for it (Windows). */
function syncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, "r");
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // EINVAL/EISDIR on platforms without directory fsync: the rename is as durable as the platform makes it
  } finally {
    closeSync(fd);
  }
}
