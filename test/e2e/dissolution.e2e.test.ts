import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keccak256, toHex } from "viem";
import { settlementAbi, subnetRegistryAbi, weightsAbi } from "../../offchain/abi/index.js";
import { EpochStatus } from "../../offchain/epoch/worker.js";
import { commitHash, packWeights } from "../../offchain/weights/index.js";
import { keys, localSubnet } from "./harness.js";

// With every contract real: dissolving a subnet resets what the settlement and the weights contract keep of it,
// so a subnet created later under the same netuid (whose epochs restart from 0) starts afresh.
describe("end to end: dissolution resets the settlement and the weights of the netuid", async () => {
  const owner = keys(0, 10);
  const { publicClient, chain, netuid, c, read, nextEpoch, epochNow, worker } = await localSubnet({
    owner,
    validators: [keys(1, 11)],
    miners: [keys(2, 12)],
    validatorStakeTao: [70n, 30n],
    minLockTao: 1_000n,
    tempo: 20,
    grantTao: 2_000n,
    commitReveal: true,
  });
  it("the finalised permits, epochs and pending commits of the old subnet are gone", async () => {
    await nextEpoch(1); // the short tempo takes effect at the next boundary
    const [epoch, , close] = await epochNow();
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
    const outcome = await worker(owner.hotkey).settle(netuid, epoch, close);
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

    const gov = chain.wallet(owner.coldkey);
    const tx = await gov.writeContract({
      address: c.SubnetRegistry!,
      abi: subnetRegistryAbi,
      functionName: "dissolveSubnet",
      args: [netuid],
      account: gov.account,
      chain: gov.chain,
    });
    assert.equal((await publicClient.waitForTransactionReceipt({ hash: tx })).status, "success");

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
});
