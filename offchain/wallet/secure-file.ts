import { randomBytes } from "node:crypto";
import fs, { type FileHandle } from "node:fs/promises";
import path from "node:path";
import { WalletError } from "./errors.js";

/** Where a file about to be replaced is kept: `<file>.replaced-<time>` (a file-name-safe ISO time). */
export function replacedPath(file: string, at: Date = new Date()): string {
  return `${file}.replaced-${at.toISOString().replace(/[:.]/g, "-")}`;
}

/** Owner-only modes: key files 0600, their directories 0700. */
export const SECRET_FILE_MODE = 0o600;
export const PUBLIC_FILE_MODE = 0o644;
export const SECRET_DIR_MODE = 0o700;

export async function fileExists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch (e) {
    if (isErrno(e, "ENOENT")) return false;
    throw e;
  }
}

export function isErrno(e: unknown, code: string): boolean {
  return e instanceof Error && (e as NodeJS.ErrnoException).code === code;
}

/** Creates `dir` (and parents) with mode 0700 where it does not exist yet. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: SECRET_DIR_MODE });
}

/**
 * Writes `data` to `file` with `mode`, atomically: a temporary file in the same directory, created with the
 * final mode (never briefly world-readable), flushed, then renamed over the target. When `replace` is false an
 * existing file is an error; when true the old file is kept beside it as `<file>.replaced-<time>` so a key
 * overwritten by mistake can still be recovered.
 * @returns the backup path when an existing file was replaced.
 */
export async function writeFileAtomic(
  file: string,
  data: string,
  mode: number,
  replace: boolean,
): Promise<string | undefined> {
  const exists = await fileExists(file);
  if (exists && !replace) throw new WalletError(`${file} already exists: pass --overwrite to replace it`);
  await ensurePrivateDir(path.dirname(file));
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  let backup: string | undefined;
  try {
    const handle = await fs.open(tmp, "wx", mode);
    try {
      await handle.writeFile(data, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    // An existing umask cannot widen the mode, but chmod makes it exact where the umask narrowed it.
    await fs.chmod(tmp, mode);
    if (exists) {
      backup = replacedPath(file);
      await fs.link(file, backup); // the target never goes missing: the rename below swaps it atomically
    }
    await fs.rename(tmp, file);
  } catch (e) {
    // A full disk or a failed fsync must not leave a stray (possibly secret) temp file or an unneeded backup.
    await fs.rm(tmp, { force: true });
    if (backup !== undefined) await fs.rm(backup, { force: true });
    throw e;
  }
  await syncDir(path.dirname(file));
  return backup;
}

/**
 * Flushes a directory so a rename in it survives a crash. Platforms that cannot fsync a directory (Windows:
 * EISDIR / EPERM on open, some filesystems: EINVAL) skip it: the rename still happened.
 */
async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await fs.open(dir, "r");
  } catch (e) {
    if (isErrno(e, "EISDIR") || isErrno(e, "EPERM") || isErrno(e, "EINVAL")) return;
    throw e;
  }
  try {
    await handle.sync();
  } catch (e) {
    if (!isErrno(e, "EINVAL") && !isErrno(e, "EISDIR")) throw e;
  } finally {
    await handle.close();
  }
}
