/**
 * An epoch worker with `confirmations: N` treats an epoch as closed only once the first block past its closing
 * slot has N blocks on top of it, and then reads exactly the inputs a worker at the head reads (the closing block
 * does not depend on the depth): a reorg shallower than N cannot hand two validators different inputs.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import type { PublicClient } from "viem";
import { lastBlockAtOrBeforeSlot } from "../../offchain/epoch/blockAtSlot.js";
import { ResultStore } from "../../offchain/epoch/resultStore.js";
import { EpochStatus } from "../../offchain/epoch/worker.js";
import { keys, ownerAndOneMiner } from "../e2e/harness.js";

describe("epoch worker: confirmations", async () => {
  const owner = keys(0, 10);
  const net = await ownerAndOneMiner();
  const { publicClient, provider, netuid, nextEpoch, epochNow, epochInfo, closeOf, genesis, deployment } = net;
  const mine = (blocks: number) =>
    provider.request({ method: "hardhat_mine" as never, params: [`0x${blocks.toString(16)}`] as never });

  await nextEpoch(1);
  await net.setWeights(owner.hotkey, [{ uid: 1, value: 65535 }]);
  const [epoch] = await epochNow();
  await nextEpoch(1); // one block past the close: the epoch has ended at the head, 0 blocks deep
  const close = await closeOf(epoch);
  const firstAfter = await publicClient.getBlockNumber({ cacheTime: 0 });

  it("rejects a depth that is not a whole number of blocks", () => {
    for (const bad of [-1, 1.5, Number.NaN]) {
      assert.throws(() => net.worker(owner.hotkey, { confirmations: bad }), /confirmations .* whole number/);
    }
  });

  it("an epoch ended at the head is not closed 3 blocks deep until 3 blocks lie on top", async () => {
    const deep = net.worker(owner.hotkey, { confirmations: 3 });
    assert.ok((await deep.currentSlot()) <= close, "the slot at depth 3 is still the closing slot or earlier");
    assert.deepEqual(await deep.settle(netuid, epoch, close), { kind: "not-closed", closeSlot: close });
    assert.equal((await epochInfo(epoch)).status, EpochStatus.None, "nothing was sent");
    await assert.rejects(
      lastBlockAtOrBeforeSlot(publicClient, genesis, close, 0n, 3n),
      new RegExp(`slot ${close} has not ended at 3 blocks below the chain head`),
    );
    const atHead = await lastBlockAtOrBeforeSlot(publicClient, genesis, close);
    assert.equal(atHead, firstAfter - 1n, "the closing block is the one before the first block past the close");

    await mine(2);
    assert.deepEqual(await deep.settle(netuid, epoch, close), { kind: "not-closed", closeSlot: close }, "2 deep");
    await mine(1);
    assert.equal(await lastBlockAtOrBeforeSlot(publicClient, genesis, close, 0n, 3n), atHead, "same closing block");
    const store = new ResultStore(mkdtempSync(path.join(tmpdir(), "deep-")));
    const outcome = await net.worker(owner.hotkey, { confirmations: 3, store }).settle(netuid, epoch, close);
    assert.equal(outcome.kind, "submitted");
    // A worker at the head computes the same result from the same closing block.
    const shallow = await net.worker(owner.hotkey).compute(netuid, epoch);
    assert.equal(store.load(netuid, epoch)?.root, shallow.root);
    assert.equal((await epochInfo(epoch)).status, EpochStatus.Finalised, "the owner's bootstrap vote finalised it");
  });

  it("a worker with confirmations finds each closing block once (a search per slot, not per step)", async () => {
    // Every search reads the deployment block's header first (the lower bound): count those reads.
    const fromBlock = BigInt(deployment.deploymentBlock);
    let searches = 0;
    type GetBlock = PublicClient["getBlock"];
    const getBlock = ((args?: Parameters<GetBlock>[0]) => {
      if (args !== undefined && "blockNumber" in args && args.blockNumber === fromBlock) searches += 1;
      return publicClient.getBlock(args);
    }) as GetBlock;
    const counting = new Proxy(publicClient, {
      get: (target, prop, receiver) => (prop === "getBlock" ? getBlock : Reflect.get(target, prop, receiver)),
    }) as PublicClient;
    const fresh = () => new ResultStore(mkdtempSync(path.join(tmpdir(), "close-cache-")));
    const cached = net.worker(owner.hotkey, { client: counting, confirmations: 1, store: fresh() });
    const first = await cached.compute(netuid, epoch); // the finalised tuple's log search, then the recomputation
    assert.equal(searches, 1, "one search for the finalised tuple and the inputs together");
    const again = net.worker(owner.hotkey, { client: counting, confirmations: 1, store: fresh() });
    searches = 0;
    assert.equal((await again.compute(netuid, epoch)).root, first.root);
    assert.equal(searches, 1, "another worker searches for itself");
    // At depth 0 the answer is not kept: a reorg at the head could move it.
    const atHead = net.worker(owner.hotkey, { client: counting, store: fresh() });
    searches = 0;
    assert.equal((await atHead.compute(netuid, epoch)).root, first.root);
    assert.equal(searches, 2, "depth 0 searches at each step");
  });
});
