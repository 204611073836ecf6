import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { settlementAbi, subnetRegistryAbi } from "../../offchain/abi/index.js";
import { EpochStatus } from "../../offchain/epoch/worker.js";
import { keys, localSubnet } from "./harness.js";

// Claims land in separate transactions after a finalisation. If the finalisation zeroed every unclaimed uid's
// pruning score, anyone syncing the scores in that window would make the oldest neuron the prune candidate,
// whatever it earns (a few registrations would then push out established validators and miners).
describe("end to end: a pruning-score sync right after a finalisation keeps the earners' scores", async () => {
  const owner = keys(0, 10);
  const validator = keys(1, 11); // uid 1: the oldest non-owner neuron, an earner
  const miners = [keys(2, 12), keys(3, 13)]; // uid 2 earns, uid 3 does not
  const net = await localSubnet({
    owner,
    validators: [validator],
    miners,
    validatorStakeTao: [70n, 30n],
    minLockTao: 1_000n,
    tempo: 10,
    grantTao: 2_000n,
    commitReveal: false,
  });
  const { publicClient, chain, netuid, c, read, nextEpoch, epochInfo, setHyperparam, setWeights } = net;
  const registry = { address: c.SubnetRegistry!, abi: subnetRegistryAbi } as const;
  const anyone = chain.wallet(miners[1]!.coldkey);

  const syncByAnyone = async () => {
    const hash = await anyone.writeContract({
      ...registry,
      functionName: "syncPruningScores",
      args: [netuid],
      account: anyone.account,
      chain: anyone.chain,
    });
    assert.equal((await publicClient.waitForTransactionReceipt({ hash })).status, "success");
  };
  const candidate = async () => (await read({ ...registry, functionName: "pruneCandidate", args: [netuid] }))[1];
  const score = (uid: number) =>
    read({ address: c.Settlement!, abi: settlementAbi, functionName: "lastEmission", args: [netuid, uid] });
  const bounds = net.epochBounds;
  const ownerNode = net.worker(owner.hotkey);

  it("between a finalisation and its claims, the scores are the previous epoch's, not 0", async () => {
    await setHyperparam(7, 4n); // MaxValidators (MaxUids cannot go below it)
    await setHyperparam(0, 4n); // MaxUids: the subnet is full
    await setHyperparam(1, 0n); // ImmunityPeriod: everyone can be replaced
    await nextEpoch(1); // the short tempo takes effect at the next boundary

    // Epoch A (bootstrap): the owner weighs uids 1 and 2; it finalises and every leaf is claimed.
    const [a] = await nextEpoch(1);
    await setWeights(owner.hotkey, [
      { uid: 1, value: 30_000 },
      { uid: 2, value: 65_535 },
    ]);
    await nextEpoch(1);
    assert.equal((await ownerNode.settle(netuid, a, (await bounds(a))[1])).kind, "submitted");
    assert.equal((await epochInfo(a)).status, EpochStatus.Finalised);
    assert.ok((await ownerNode.claimAll(netuid, a)) > 0, "A's leaves claimed");
    const earned = [await score(1), await score(2), await score(3)];
    assert.ok(earned[0]! > 0n && earned[1]! > earned[0]!, `uids 1 and 2 earn: ${earned.join(", ")}`);
    assert.equal(earned[2], 0n, "uid 3 earns nothing");
    await syncByAnyone();
    assert.equal(await candidate(), 3, "the non-earner is the candidate");

    // Epoch B finalises (the owner's 70 % reaches the quorum); nobody has claimed B yet.
    const b = a + 1n; // under way since A closed
    const [afterB] = await nextEpoch(1);
    assert.equal(afterB, b + 1n);
    assert.equal((await ownerNode.settle(netuid, b, (await bounds(b))[1])).kind, "submitted");
    assert.equal((await epochInfo(b)).status, EpochStatus.Finalised);
    assert.deepEqual([await score(1), await score(2), await score(3)], earned, "A's amounts until B is claimed");
    await syncByAnyone(); // the window an attacker would use
    assert.equal(await candidate(), 3, "still the non-earner, not the oldest neuron (uid 1)");
  });
});
