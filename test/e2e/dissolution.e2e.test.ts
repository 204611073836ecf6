import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { keccak256, toHex } from "viem";
import { settlementAbi, subnetRegistryAbi, weightsAbi } from "../../offchain/abi/index.js";
import { ResultStore } from "../../offchain/epoch/resultStore.js";
import { EpochStatus } from "../../offchain/epoch/worker.js";
import { commitHash, packWeights } from "../../offchain/weights/index.js";
import { hotkeyConsent } from "../../offchain/localnet/bootstrap.js";
import { createChainPort } from "../../offchain/validator/adapters/chainPort.js";
import { keys, localSubnet } from "./harness.js";

// With every contract real: dissolving a subnet resets what the settlement and the weights contract keep of it,
// so a subnet created later under the same netuid (whose epochs restart from 0) starts afresh.
describe("end to end: dissolution resets the settlement and the weights of the netuid", async () => {
  const owner = keys(0, 10);
  const { publicClient, chain, netuid, c, read, nextEpoch, epochNow, slotNow, worker, deployment, dissolve } =
    await localSubnet({
      owner,
      validators: [keys(1, 11)],
      miners: [keys(2, 12)],
      validatorStakeTao: [70n, 30n],
      minLockTao: 1_000n,
      tempo: 20,
      grantTao: 2_000n,
      commitReveal: true,
    });
  const store = new ResultStore(mkdtempSync(path.join(tmpdir(), "epochs-"))); // one validator's, both lives
  let settledEpoch = 0n;
  // What a validator reads of the subnet: its life tells a re-created netuid apart (the store starts it afresh).
  const port = createChainPort({ client: publicClient, wallet: chain.wallet(owner.hotkey), deployment });
  const lifeNow = async () => (await port.subnetState(netuid, port.hotkey, await port.currentSlot())).life;
  let oldLife = 0;

  it("the finalised permits, epochs and pending commits of the old subnet are gone", async () => {
    oldLife = await lifeNow();
    await nextEpoch(1); // the short tempo takes effect at the next boundary
    const [epoch, , close] = await epochNow();
    settledEpoch = epoch;
    const salt = keccak256(toHex("salt"));
    const packedWeights = packWeights([{ uid: 2, value: 65535 }]);
    const hash = commitHash({ hotkey: owner.hotkey.address, netuid, packedWeights, salt, versionKey: 0n });
    const hot = chain.wallet(owner.hotkey);
    const commit = await hot.writeContract({
      address: c.Weights!,
      abi: weightsAbi,
      functionName: "commitWeights",
      args: [netuid, hash],
      account: hot.account,
      chain: hot.chain,
    });
    assert.equal((await publicClient.waitForTransactionReceipt({ hash: commit })).status, "success");
    await nextEpoch(2);
    const outcome = await worker(owner.hotkey, { store }).settle(netuid, epoch, close);
    assert.equal(outcome.kind, "submitted");
    const settlement = { address: c.Settlement!, abi: settlementAbi } as const;
    const [, finalised] = await read({ ...settlement, functionName: "permits", args: [netuid] });
    assert.equal(finalised, true, "epoch finalised: permits set");
    const [pending] = await read({
      address: c.Weights!,
      abi: weightsAbi,
      functionName: "pendingCommits",
      args: [netuid, owner.hotkey.address],
    });
    assert.equal(pending.length, 1, "the owner's commit is pending");

    await dissolve();

    assert.equal(await read({ ...settlement, functionName: "generation", args: [netuid] }), 1n, "settlement reset");
    assert.deepEqual(await read({ ...settlement, functionName: "permits", args: [netuid] }), [0n, false]);
    assert.equal(await read({ ...settlement, functionName: "permitBitmap", args: [netuid] }), 1n, "bootstrap set");
    const info = await read({ ...settlement, functionName: "epochInfo", args: [netuid, epoch] });
    assert.equal(info.status, EpochStatus.None, "epoch numbers are free for the next subnet");
    const [after] = await read({
      address: c.Weights!,
      abi: weightsAbi,
      functionName: "pendingCommits",
      args: [netuid, owner.hotkey.address],
    });
    assert.equal(after.length, 0, "no pending commits in the netuid's next life");
    const [, updated] = await read({
      address: c.Weights!,
      abi: weightsAbi,
      functionName: "lastUpdateOf",
      args: [netuid, owner.hotkey.address],
    });
    assert.equal(updated, false, "no last update in the netuid's next life");
  });

  it("a subnet created again under the netuid settles its own epochs, not the old results", async () => {
    const gov = chain.wallet(owner.coldkey);
    const registry = { address: c.SubnetRegistry!, abi: subnetRegistryAbi } as const;
    const govWrite = async (request: Parameters<typeof gov.writeContract>[0]) => {
      const hash = await gov.writeContract(request);
      assert.equal((await publicClient.waitForTransactionReceipt({ hash })).status, "success");
    };
    // A cheap, immediate creation: lock floor 1 TAO, decaying every slot, no network rate limit.
    for (const [param, value] of [
      [0, 1_000_000_000n],
      [1, 1n],
      [2, 0n],
    ] as const) {
      await govWrite({
        ...registry,
        functionName: "setNetworkParam",
        args: [param, value],
        account: gov.account,
        chain: gov.chain,
      });
    }
    await chain.increaseTime(12 * 200);
    const lock = await read({ ...registry, functionName: "lockCost" });
    const consent = await hotkeyConsent(
      publicClient,
      c.SubnetRegistry!,
      owner.hotkey,
      owner.coldkey.address,
      (await slotNow()) + 1_000n,
    );
    await govWrite({
      ...registry,
      functionName: "createSubnet",
      args: [owner.hotkey.address, lock, consent],
      account: gov.account,
      chain: gov.chain,
    });
    assert.equal(await read({ ...registry, functionName: "subnetExists", args: [netuid] }), true, "netuid reused");
    assert.equal(await lifeNow(), oldLife + 1, "the validator sees the netuid's next life");

    // Epoch `settledEpoch` of the new life: the store holds the old life's result under the same number.
    const [, close] = await read({ ...registry, functionName: "epochBounds", args: [netuid, settledEpoch] });
    await chain.increaseTime(Number(close - (await slotNow()) + 2n) * 12);
    const outcome = await worker(owner.hotkey, { store }).settle(netuid, settledEpoch, close);
    assert.equal(outcome.kind, "submitted", "the new owner hotkey finalises in bootstrap");
    const info = await read({
      address: c.Settlement!,
      abi: settlementAbi,
      functionName: "epochInfo",
      args: [netuid, settledEpoch],
    });
    assert.equal(info.status, EpochStatus.Finalised);
    const old = store.load(netuid, settledEpoch, 0);
    const fresh = store.load(netuid, settledEpoch, 1);
    assert.ok(old && fresh, "both lives' results are kept");
    assert.equal(fresh.root, info.root, "the new life's result is what finalised");
    assert.notEqual(old.root, fresh.root, "and not the old life's (3 uids then, 1 now)");
  });
});
