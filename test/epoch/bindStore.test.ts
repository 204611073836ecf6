/**
 * The epoch worker binds its results directory to the deployment before any step: a bind that fails is tried
 * again on the next step (not cached), and a directory from before genesis times were recorded is adopted only if
 * none of its results is past this chain (an epoch not reached yet, a later life), else kept aside.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { ResultStore, type ResultsIdentity } from "../../offchain/epoch/resultStore.js";
import { keys, ownerAndOneMiner } from "../e2e/harness.js";

/** A store whose first `failures` binds throw, as a busy rename or a full disk would. */
class FlakyStore extends ResultStore {
  constructor(
    dir: string,
    private failures: number,
  ) {
    super(dir);
  }

  override bind(id: ResultsIdentity, o?: { unrecordedIsStale?: boolean }): string | undefined {
    if (this.failures > 0) {
      this.failures--;
      throw new Error("EBUSY: resource busy or locked, rename");
    }
    return super.bind(id, o);
  }
}

describe("epoch worker: binding the results directory", async () => {
  const owner = keys(0, 10);
  const net = await ownerAndOneMiner();
  const { publicClient, netuid, nextEpoch, epochNow, deployment } = net;
  await nextEpoch(2);
  const [current] = await epochNow();
  const chainId = await publicClient.getChainId();
  const settlement = deployment.contracts.Settlement!;
  const genesisTime = Number(deployment.genesisTime);

  /** A directory as an earlier version left it: an identity without a genesis time, results at `files`. */
  const unrecordedDir = (files: string[]): string => {
    const dir = mkdtempSync(path.join(tmpdir(), "epochs-unrecorded-"));
    writeFileSync(path.join(dir, "deployment.json"), JSON.stringify({ chainId, settlement: settlement.toLowerCase() }));
    for (const f of files) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      writeFileSync(path.join(dir, f), "{}");
    }
    return dir;
  };
  const identityOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, "deployment.json"), "utf8")) as object;

  it("a bind that failed is tried again on the next step", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "epochs-flaky-"));
    const w = net.worker(owner.hotkey, { store: new FlakyStore(dir, 1) });
    await assert.rejects(w.bindStore(), /EBUSY/);
    assert.equal(await w.bindStore(), undefined);
    assert.deepEqual(identityOf(dir), { chainId, settlement: settlement.toLowerCase(), genesisTime });
  });

  it("adopts a directory from before genesis times whose results this chain has reached", async () => {
    const dir = unrecordedDir([`${netuid}/0.json`, `${netuid}/${current}.json`, `${netuid}/1.json.mismatch-0xab`]);
    assert.deepEqual(new ResultStore(dir).newestEpochs(), [{ netuid, generation: 0, epoch: current }]);
    assert.equal(await net.worker(owner.hotkey, { store: new ResultStore(dir) }).bindStore(), undefined);
    assert.deepEqual(identityOf(dir), { chainId, settlement: settlement.toLowerCase(), genesisTime });
    assert.ok(existsSync(path.join(dir, String(netuid), `${current}.json`)), "its results stay");
  });

  it("keeps aside a directory from before identity files whose results are past this chain", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "epochs-noid-"));
    mkdirSync(path.join(dir, String(netuid)));
    writeFileSync(path.join(dir, String(netuid), `${current + 1n}.json`), "{}");
    const aside = await net.worker(owner.hotkey, { store: new ResultStore(dir) }).bindStore();
    assert.equal(aside, `${dir}.genesis-unrecorded`);
    assert.ok(existsSync(path.join(aside, String(netuid), `${current + 1n}.json`)));
    assert.deepEqual(identityOf(dir), { chainId, settlement: settlement.toLowerCase(), genesisTime });
    // One whose results this chain has reached is bound in place.
    const fine = mkdtempSync(path.join(tmpdir(), "epochs-noid-"));
    mkdirSync(path.join(fine, String(netuid)));
    writeFileSync(path.join(fine, String(netuid), `${current}.json`), "{}");
    assert.equal(await net.worker(owner.hotkey, { store: new ResultStore(fine) }).bindStore(), undefined);
    assert.ok(existsSync(path.join(fine, String(netuid), `${current}.json`)));
  });

  for (const [what, file] of [
    ["an epoch this chain has not reached", `${netuid}/${current + 1n}.json`],
    ["a later life of the netuid", `${netuid}/life-3/0.json`],
  ] as const) {
    it(`keeps aside a directory from before genesis times holding ${what} (a reset chain's)`, async () => {
      const dir = unrecordedDir([`${netuid}/0.json`, file]);
      const aside = await net.worker(owner.hotkey, { store: new ResultStore(dir) }).bindStore();
      assert.equal(aside, `${dir}.genesis-unrecorded`);
      assert.ok(existsSync(path.join(aside, file)), "the old results are kept");
      assert.deepEqual(identityOf(dir), { chainId, settlement: settlement.toLowerCase(), genesisTime });
      assert.equal(existsSync(path.join(dir, file)), false, "the new directory starts empty");
    });
  }
});
