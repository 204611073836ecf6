/**
 * The bootstrap owner granting permits to itself alone (the audit's entrenchment): a validator with most of the
 * stake cannot vote on the next epoch; its epoch worker proves the finalised permits wrong
 * (Settlement.challengePermits, found by offchain/epoch/permitsChallenge.ts), and the epoch opened after takes
 * its vote. An honest finalisation clears the flag and leaves nothing to challenge.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { settlementAbi } from "../../offchain/abi/index.js";
import {
  findPermitsChallenge,
  readFinalisedPermits,
  readPermitsChallengeInput,
} from "../../offchain/epoch/permitsChallenge.js";
import { ResultStore } from "../../offchain/epoch/resultStore.js";
import { EpochWatcher } from "../../offchain/epoch/watch.js";
import { EpochStatus, type EpochWorker } from "../../offchain/epoch/worker.js";
import { createChainPort } from "../../offchain/validator/adapters/chainPort.js";
import { keys, localSubnet } from "./harness.js";

/** The first result `worker[method]` resolves with from now on (the method keeps working). */
function once(worker: EpochWorker, method: "challengeWrongPermits") {
  const original = worker[method].bind(worker);
  return new Promise<Awaited<ReturnType<typeof original>>>((resolve) => {
    worker[method] = async (...args: Parameters<typeof original>) => {
      const result = await original(...args);
      worker[method] = original;
      resolve(result);
      return result;
    };
  });
}

describe("end to end: a validator disproves the owner's self-granted permits and votes again", async () => {
  const owner = keys(0, 10);
  const validator = keys(1, 11);
  const small = keys(4, 14); // a third staked hotkey (uid 2), left out once maxValidators is 1
  const net = await localSubnet({
    owner,
    validators: [validator, small],
    miners: [keys(2, 12)],
    validatorStakeTao: [100n, 5_000n, 50n],
    minLockTao: 1_000n,
    tempo: 10,
    grantTao: 6_000n,
    commitReveal: false,
  });
  const { netuid, c, read, nextEpoch, epochNow, epochInfo, closeOf } = net;
  const ownerStore = new ResultStore(mkdtempSync(path.join(tmpdir(), "owner-epochs-")));
  const owners = () => net.worker(owner.hotkey, { store: ownerStore });
  const validatorWorker = net.worker(validator.hotkey);
  const disproved = () =>
    read({ address: c.Settlement!, abi: settlementAbi, functionName: "permitsDisproved", args: [netuid] });

  const port = createChainPort({
    client: net.publicClient,
    wallet: net.chain.wallet(validator.hotkey),
    deployment: net.deployment,
  });
  /** What the validator process's schedule reads of its permit now. */
  const permitOf = async () =>
    (await port.subnetState(netuid, validator.hotkey.address, Number(await net.slotNow()))).permit;

  /** The owner's worker votes on `epoch` with the permits replaced by its own uid's alone. */
  const ownerVotesSelfPermits = async (epoch: bigint) => {
    const w = owners();
    await w.ensureOpen(netuid, epoch);
    const honest = await w.compute(netuid, epoch);
    assert.notEqual(honest.permitsBitmap, "1", "Yuma grants the validator a permit");
    ownerStore.save({ ...honest, permitsBitmap: "1" });
    assert.equal((await w.settle(netuid, epoch, await closeOf(epoch))).kind, "submitted");
    assert.equal((await epochInfo(epoch)).status, EpochStatus.Finalised);
  };

  it("the owner entrenches itself; the challenge widens the next epoch to the validator", async () => {
    await nextEpoch(1);
    // Before the first finalised epoch only the owner holds a permit to set weights.
    await net.setWeights(owner.hotkey, [{ uid: 3, value: 65535 }]); // the miner
    const [A] = await epochNow();
    await nextEpoch(1);
    await ownerVotesSelfPermits(A); // bootstrap: the owner finalises alone

    // Epoch B opens with the owner's permits: the validator, 98 % of the stake, may not vote.
    const B = A + 1n;
    await nextEpoch(1);
    assert.equal((await validatorWorker.settle(netuid, B, await closeOf(B))).kind, "not-permitted");
    assert.deepEqual(
      { has: (await permitOf()).has, votersWidened: (await permitOf()).votersWidened },
      { has: false, votersWidened: false },
      "before the challenge, the validator process would not settle",
    );
    await ownerVotesSelfPermits(B);
    assert.equal(await disproved(), false);

    // The validator's epoch watcher, resolving B, finds the proof (an unfilled set: 1 permit of 64, the
    // validator's stake left out) and sends it before claiming; it follows the chain's permits for B (its own
    // stored result, Yuma's, is set aside) and claims B's leaves.
    const watcher = new EpochWatcher({
      worker: validatorWorker,
      client: net.publicClient,
      registry: c.SubnetRegistry!,
      netuid,
      fromEpoch: B,
    });
    const challenged = once(validatorWorker, "challengeWrongPermits");
    const reports = await watcher.pass();
    assert.deepEqual(
      reports.map((r) => [r.epoch, r.status]),
      [[B, "finalised"]],
    );
    assert.ok(reports[0]!.claimed > 0, `B's leaves were claimed (${reports[0]!.claimed})`);
    const sent = await challenged;
    assert.ok(sent, "a challenge was sent");
    assert.equal(sent.epoch, B);
    assert.equal(sent.way, "unfilled");
    assert.equal(sent.excludedUid, 1);
    assert.equal(await disproved(), true);
    assert.equal(await validatorWorker.challengeWrongPermits(netuid), undefined, "nothing left to prove");
    // The validator process's schedule now settles without a permit: the next open takes its vote.
    assert.equal((await permitOf()).votersWidened, true);

    // Epoch C opens wide: the validator votes, and its vote alone is the quorum.
    const C = B + 1n;
    await nextEpoch(1);
    const vote = await validatorWorker.settle(netuid, C, await closeOf(C));
    assert.equal(vote.kind, "submitted");
    const info = await epochInfo(C);
    assert.equal(info.status, EpochStatus.Finalised);
    assert.equal(await disproved(), false, "an honest finalisation replaces the disproved permits");
    assert.equal(await validatorWorker.challengeWrongPermits(netuid), undefined, "honest permits stand");
  });

  it("governance raising maxValidators after a close does not make the finder challenge an honest full set", async () => {
    // Epoch D is computed with k = 1: Yuma permits the validator (and the owner's uid); uid 2 (50 TAO) and the
    // miner (uid 3, staked by its claims) are left out.
    await net.setHyperparam(7, 1n); // MaxValidators
    const [D] = await epochNow();
    await nextEpoch(1);
    assert.equal((await validatorWorker.settle(netuid, D, await closeOf(D))).kind, "submitted");
    assert.equal((await epochInfo(D)).status, EpochStatus.Finalised);
    await net.setHyperparam(7, 64n); // raised after D's close
    const contracts = { SubnetRegistry: c.SubnetRegistry!, Staking: c.Staking!, Settlement: c.Settlement! };
    const permits = (await readFinalisedPermits(net.publicClient, contracts, netuid))!;
    assert.equal(permits.epoch, D);
    assert.equal(permits.bitmap, 0b11n, "the owner's uid and the validator's");
    // Read with k now alone, D's 2 permits of 64 look unfilled, and the chain would take the challenge.
    const naive = findPermitsChallenge(await readPermitsChallengeInput(net.publicClient, contracts, netuid, permits));
    assert.equal(naive?.way, "unfilled");
    assert.ok(naive && [2, 3].includes(naive.excludedUid), `a staked uid left out (${naive?.excludedUid})`);
    // A node without a result of its own (a fresh one) finds nothing: k at D's close was 1, and the set is full.
    const fresh = net.worker(small.hotkey);
    assert.equal(await fresh.challengeWrongPermits(netuid), undefined);
    assert.equal(await disproved(), false);
  });
});
