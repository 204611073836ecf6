import assert from "node:assert/strict";
import fs, { type FileHandle } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { writeFileAtomic } from "../../offchain/wallet/secure-file.js";

const realOpen = fs.open;

describe("writeFileAtomic", () => {
  let dir: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "tao-secure-file-"));
  });
  afterEach(() => {
    fs.open = realOpen;
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Makes the next temp file's `what` (write or fsync) fail, as on a full disk. */
  function failing(what: "writeFile" | "sync"): void {
    fs.open = (async (...args: Parameters<typeof realOpen>) => {
      const handle = await realOpen(...args);
      if (String(args[0]).includes(".tmp-")) {
        Object.assign(handle, { [what]: async () => Promise.reject(new Error(`ENOSPC: no space left (${what})`)) });
      }
      return handle;
    }) as typeof realOpen;
  }

  for (const what of ["writeFile", "sync"] as const) {
    it(`leaves no temp file when ${what} fails, and keeps the old file`, async () => {
      const sub = path.join(dir, what);
      await fs.mkdir(sub);
      const file = path.join(sub, "coldkey.json");
      await fs.writeFile(file, "old");
      failing(what);
      await assert.rejects(writeFileAtomic(file, "new", 0o600, true), /ENOSPC/);
      fs.open = realOpen;
      assert.deepEqual(await fs.readdir(sub), ["coldkey.json"]);
      assert.equal(await fs.readFile(file, "utf8"), "old");
    });
  }

  it("fsyncs the directory after the rename", async () => {
    const sub = path.join(dir, "sync-dir");
    const file = path.join(sub, "key.json");
    const synced: string[] = [];
    fs.open = (async (...args: Parameters<typeof realOpen>) => {
      const handle: FileHandle = await realOpen(...args);
      const sync = handle.sync.bind(handle);
      Object.assign(handle, {
        sync: async () => {
          synced.push(String(args[0]));
          return sync();
        },
      });
      return handle;
    }) as typeof realOpen;
    await writeFileAtomic(file, "data", 0o600, false);
    assert.equal(synced.length, 2, synced.join(", "));
    assert.match(synced[0]!, /key\.json\.tmp-/);
    assert.equal(synced[1], sub);
  });
});
