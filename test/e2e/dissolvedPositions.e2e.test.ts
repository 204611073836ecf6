// `tao stake claim-dissolved`'s lookups with every contract real: positions that emission made (a miner's
// incentive, the owner's take) have no stake log, and are found from the coldkey's neurons; the owner's neuron is
// logged in the same transaction as the pool's creation, before it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, type PublicClient } from "viem";
import { stakingAbi } from "../../offchain/abi/index.js";
import { claimableDissolved, lifeHotkeys } from "../../offchain/cli/dissolvedPositions.js";
import { keys, ownerAndOneMiner } from "./harness.js";

describe("end to end: a dissolved subnet's positions made by emission are found and claimable", async () => {
  const owner = keys(0, 10);
  const miner = keys(2, 12);
  const net = await ownerAndOneMiner();
  const { publicClient, netuid, c, read, nextEpoch, epochNow, closeOf, worker, deployment } = net;
  const reader = { client: publicClient, staking: c.Staking!, registry: c.SubnetRegistry!, deployment };

  it("finds the miner's incentive (no stake log) and the owner's neuron, and each claim pays its position", async () => {
    await nextEpoch(1);
    await net.setWeights(owner.hotkey, [{ uid: 1, value: 65535 }]);
    const [epoch] = await epochNow();
    await nextEpoch(2);
    assert.equal((await worker(owner.hotkey).settle(netuid, epoch, await closeOf(epoch))).kind, "submitted");
    assert.ok((await worker(owner.hotkey).claimAll(netuid, epoch)) > 0);
    const [, minerAlpha] = await read({
      address: c.Staking!,
      abi: stakingAbi,
      functionName: "position",
      args: [netuid, miner.hotkey.address, miner.coldkey.address],
    });
    assert.ok(minerAlpha > 0n, "the miner's incentive is its coldkey's stake");

    await net.dissolve();

    const minerHotkeys = await lifeHotkeys(reader, netuid, 0, miner.coldkey.address, 1n);
    assert.deepEqual(minerHotkeys, [getAddress(miner.hotkey.address)], "from its NeuronRegistered alone");
    const ownerHotkeys = await lifeHotkeys(reader, netuid, 0, owner.coldkey.address, 1n);
    assert.ok(ownerHotkeys.includes(getAddress(owner.hotkey.address)), "the owner's neuron, logged before PoolCreated");

    const [minerClaim] = await claimableDissolved(reader, netuid, 0, miner.coldkey.address, minerHotkeys);
    assert.ok(minerClaim !== undefined && minerClaim.tao > 0n);
    const paid = await publicClient.simulateContract({
      address: c.Staking!,
      abi: stakingAbi,
      functionName: "claimDissolved",
      args: [netuid, miner.hotkey.address, 0],
      account: miner.coldkey.address,
    });
    assert.equal(paid.result, minerClaim.tao, "what the lookup shows is what the claim pays");
    assert.deepEqual(
      await claimableDissolved(reader, netuid, 0, miner.coldkey.address, [owner.hotkey.address]),
      [],
      "a hotkey without the coldkey's shares is left out",
    );
  });
});

describe("lifeHotkeys: the scan of one life's logs", () => {
  type Log = { eventName: string; blockNumber: bigint; logIndex: number; args: Record<string, unknown> };
  const hk = (n: number) => getAddress(`0x${n.toString(16).padStart(40, "0")}`);
  // Life 0 starts in block 5 (createSubnet: the owner's neuron at log 1, the pool at log 3); life 1 in block 8.
  const logs: Log[] = [
    { eventName: "Staked", blockNumber: 4n, logIndex: 0, args: { hotkey: hk(4) } }, // before the netuid's life 0
    { eventName: "NeuronRegistered", blockNumber: 5n, logIndex: 1, args: { hotkey: hk(5) } },
    { eventName: "PoolCreated", blockNumber: 5n, logIndex: 3, args: { generation: 0 } },
    { eventName: "StakeMoved", blockNumber: 6n, logIndex: 0, args: { toHotkey: hk(6), toNetuid: 1 } },
    { eventName: "StakeMoved", blockNumber: 6n, logIndex: 1, args: { toHotkey: hk(66), toNetuid: 2 } }, // elsewhere
    { eventName: "PoolCreated", blockNumber: 8n, logIndex: 0, args: { generation: 1 } },
    { eventName: "Staked", blockNumber: 9n, logIndex: 0, args: { hotkey: hk(9) } },
  ];
  const reads: Array<[bigint, bigint]> = [];
  const client = {
    getBlockNumber: async () => 10n,
    getContractEvents: async (a: { eventName: string; fromBlock: bigint; toBlock: bigint }) => {
      if (a.eventName === "Staked") reads.push([a.fromBlock, a.toBlock]);
      return logs.filter(
        (l) => l.eventName === a.eventName && l.blockNumber >= a.fromBlock && l.blockNumber <= a.toBlock,
      );
    },
  } as unknown as PublicClient;
  const reader = { client, staking: hk(1000), registry: hk(1001), deployment: { deploymentBlock: 0n } };

  it("life 0: from its PoolCreated's whole block to the head, and no further back", async () => {
    reads.length = 0;
    const found = await lifeHotkeys(reader, 1, 0, hk(77), 1n);
    assert.deepEqual(new Set(found), new Set([hk(9), hk(6), hk(5)]));
    const lowest = reads.reduce((m, [from]) => (from < m ? from : m), 10n);
    assert.ok(lowest >= 2n, `read down to block ${lowest}`);
  });

  it("life 1: stops at its own PoolCreated", async () => {
    assert.deepEqual(await lifeHotkeys(reader, 1, 1, hk(77), 1n), [hk(9)]);
  });
});
