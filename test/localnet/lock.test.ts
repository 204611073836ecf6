/** A second `npm start` while one runs is refused before it deletes the running one's `.localnet/`. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { refuseIfRunning } from "../../offchain/localnet/up.js";

describe("localnet lock", () => {
  it("refuses while the pid in .localnet/localnet.pid is alive, and ignores a stale or missing lock", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "localnet-lock-"));
    refuseIfRunning(dir); // no lock
    const live = process.ppid; // the test runner: alive while this runs
    writeFileSync(path.join(dir, "localnet.pid"), `${live}\n`);
    assert.throws(
      () => refuseIfRunning(dir),
      new RegExp(`a local network is already running \\(pid ${live}, .*localnet\\.pid\\): stop it with Ctrl-C`),
    );
    const exited = spawnSync(process.execPath, ["-e", "0"]).pid; // a process that has exited
    writeFileSync(path.join(dir, "localnet.pid"), `${exited}\n`);
    refuseIfRunning(dir);
  });
});
