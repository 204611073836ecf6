import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keccak256, toHex, type Hex, type LocalAccount } from "viem";
import { settlementAbi, stakingAbi, weightsAbi } from "../../offchain/abi/index.js";
import { ResultStore } from "../../offchain/epoch/resultStore.js";
import { EpochStatus } from "../../offchain/epoch/worker.js";
import { commitHash, packWeights } from "../../offchain/weights/index.js";
import { keys, localSubnet, ownerAndOneMiner } from "./harness.js";

describe("end to end: subnet, 2 validators, 3 miners, commit-reveal, settlement, claims", async () => {
  const owner = keys(0, 10);
  const validatorB = keys(1, 11);
  const miners = [keys(2, 12), keys(3, 13), keys(4, 14)];
  const TEMPO = 20;
  const { publicClient, chain, deployment, netuid, c, read, nextEpoch, closeOf, epochInfo, worker } = await localSubnet(
    {
      owner,
      validators: [validatorB],
      miners,
      validatorStakeTao: [70n, 30n],
      minLockTao: 1_000n,
      tempo: TEMPO,
      grantTao: 2_000n,
      commitReveal: true,
    },
  );

  // Miner 1 (uid 2) best, miner 3 (uid 4) worst.
  const packed = packWeights([
    { uid: 2, value: 65535 },
    { uid: 3, value: 30000 },
    { uid: 4, value: 5000 },
  ]);
  async function commitAndReveal(validators: LocalAccount[]): Promise<bigint> {
    const salts = new Map<string, Hex>();
    const [commitEpoch] = await nextEpoch(2);
    for (const v of validators) {
      const salt = keccak256(toHex(`salt-${v.address}-${commitEpoch}`));
      salts.set(v.address, salt);
      const hash = commitHash({ hotkey: v.address, netuid, packedWeights: packed, salt, versionKey: 0n });
      const w = chain.wallet(v);
      await publicClient.waitForTransactionReceipt({
        hash: await w.writeContract({
          address: c.Weights!,
          abi: weightsAbi,
          functionName: "commitWeights",
          args: [netuid, hash],
          account: w.account,
          chain: w.chain,
        }),
      });
    }
    const [revealEpoch] = await nextEpoch(2);
    assert.equal(revealEpoch, commitEpoch + 1n);
    for (const v of validators) {
      const w = chain.wallet(v);
      const receipt = await publicClient.waitForTransactionReceipt({
        hash: await w.writeContract({
          address: c.Weights!,
          abi: weightsAbi,
          functionName: "revealWeights",
          args: [netuid, packed, salts.get(v.address)!, 0n],
          account: w.account,
          chain: w.chain,
        }),
      });
      assert.equal(receipt.status, "success");
    }
    return revealEpoch;
  }

  it("bootstrap epoch: the owner's validator finalises alone and every leaf is claimed", async () => {
    await nextEpoch(1); // the short tempo takes effect at the next boundary
    const epoch = await commitAndReveal([owner.hotkey]);
    const close = await closeOf(epoch);
    await nextEpoch(2);
    const outcome = await worker(owner.hotkey).settle(netuid, epoch, close);
    assert.equal(outcome.kind, "submitted");
    const info = await epochInfo(epoch);
    assert.equal(info.status, EpochStatus.Finalised);
    assert.ok(info.budget > 0n, "the epoch had emission");

    const before = await Promise.all(
      [2, 3, 4].map(async (uid) =>
        read({
          address: c.Staking!,
          abi: stakingAbi,
          functionName: "hotkeyStake",
          args: [netuid, miners[uid - 2]!.hotkey.address],
        }),
      ),
    );
    const claimed = await worker(validatorB.hotkey).claimAll(netuid, epoch);
    assert.ok(claimed >= 3, `claimed ${claimed} leaves`);
    const after = await Promise.all(
      [2, 3, 4].map(async (uid) =>
        read({
          address: c.Staking!,
          abi: stakingAbi,
          functionName: "hotkeyStake",
          args: [netuid, miners[uid - 2]!.hotkey.address],
        }),
      ),
    );
    const gains = after.map((a, i) => a[0] - before[i]![0]);
    const stored = await worker(owner.hotkey).compute(netuid, epoch);
    for (const [, leaf] of new ResultStore("").tree(stored).entries()) {
      const [, , uid, , incentive, dividend] = leaf;
      if (uid >= 2)
        assert.equal(gains[uid - 2], BigInt(incentive) + BigInt(dividend), `uid ${uid} stake grew by its leaf`);
    }
    assert.ok(gains[0]! > gains[1]! && gains[1]! > gains[2]!, `miner gains ordered by weight: ${gains.join(", ")}`);
    const infoAfter = await epochInfo(epoch);
    assert.ok(infoAfter.claimed <= infoAfter.budget);
    assert.ok(infoAfter.claimed > 0n);
    // Claiming again does nothing.
    assert.equal(await worker(validatorB.hotkey).claimAll(netuid, epoch), 0);
  });

  it("after bootstrap both validators vote and reach quorum on the same root", async () => {
    const epoch = await commitAndReveal([owner.hotkey, validatorB.hotkey]);
    const close = await closeOf(epoch);
    await nextEpoch(2);
    const b = await worker(validatorB.hotkey).settle(netuid, epoch, close);
    assert.equal(b.kind, "submitted", "the 30% validator votes");
    let info = await epochInfo(epoch);
    assert.equal(info.status, EpochStatus.Open, "a 30% minority cannot finalise");
    const a = await worker(owner.hotkey).settle(netuid, epoch, close);
    assert.equal(a.kind, "submitted");
    assert.equal(a.kind === "submitted" && b.kind === "submitted" && a.root === b.root, true, "same root");
    info = await epochInfo(epoch);
    assert.equal(info.status, EpochStatus.Finalised);
    assert.ok((await worker(owner.hotkey).claimAll(netuid, epoch)) > 0);
  });

  it("a validator that starts late replays past epochs from chain data and reaches the finalised roots", async () => {
    const late = worker(validatorB.hotkey); // an empty result store: no bonds, no trees
    const finalised = await publicClient.getContractEvents({
      address: c.Settlement!,
      abi: settlementAbi,
      eventName: "EpochFinalised",
      args: { netuid },
      fromBlock: BigInt(deployment.deploymentBlock),
      strict: true,
    });
    assert.ok(finalised.length >= 2, "two epochs finalised above");
    const lastEvent = finalised[finalised.length - 1]!;
    // Computing the newest epoch needs the bonds of the one before: the worker recomputes it (and checks its
    // root against the finalised one) before computing this one.
    const stored = await late.compute(netuid, lastEvent.args.epoch);
    assert.equal(stored.root, lastEvent.args.root);
    assert.equal(stored.bondsHash, lastEvent.args.bondsHash, "the replayed bonds reach the finalised bonds hash");
  });
});

describe("end to end: a vote overtaken by the quorum", async () => {
  const owner = keys(0, 10);
  const { publicClient, chain, c, netuid, read, nextEpoch, epochNow, closeOf, epochInfo, worker } =
    await ownerAndOneMiner();
  const missed = () =>
    read({ address: c.Settlement!, abi: settlementAbi, functionName: "missedEpochs", args: [netuid] });

  it("counts the epoch final when the quorum landed between the worker's read and its vote", async () => {
    await nextEpoch(1);
    const [epoch] = await nextEpoch(1);
    const close = await closeOf(epoch);
    await nextEpoch(2);
    const w = chain.wallet(owner.hotkey);
    let overtaken = false;
    const racing = {
      ...w,
      writeContract: (async (args: Parameters<typeof w.writeContract>[0]) => {
        if (args.functionName === "submitEpochResult" && !overtaken) {
          overtaken = true;
          // The vote that reaches the quorum lands first (here the same vote, sent by another process).
          const first = await w.writeContract(args);
          assert.equal((await publicClient.waitForTransactionReceipt({ hash: first })).status, "success");
        }
        return w.writeContract(args);
      }) as typeof w.writeContract,
    } as typeof w;
    const outcome = await worker(owner.hotkey, { wallet: racing }).settle(netuid, epoch, close);
    assert.ok(overtaken, "the vote was raced");
    const info = await epochInfo(epoch);
    assert.equal(info.status, EpochStatus.Finalised);
    assert.deepEqual(outcome, { kind: "finalised", root: info.root });
  });

  it("opening an epoch rolls the overdue one before it over first, so its miss counts before the voters are frozen", async () => {
    const [b] = await nextEpoch(1);
    const [next] = await nextEpoch(1); // b closed; nobody opens it; its deadline is next's close
    assert.equal(next, b + 1n);
    await nextEpoch(1); // next closed: b is past its deadline, unresolved
    // The open looks two back with the default deadline: b - 1 (left unopened by the test above) is overdue too.
    assert.equal((await epochInfo(b - 1n)).status, EpochStatus.None);
    const before = await missed();
    await worker(owner.hotkey).ensureOpen(netuid, next);
    assert.equal((await epochInfo(b)).status, EpochStatus.RolledOver, "b rolled over first");
    assert.equal((await epochInfo(b - 1n)).status, EpochStatus.RolledOver, "and b - 1");
    assert.equal((await epochInfo(next)).status, EpochStatus.Open);
    assert.equal(await missed(), before + 2, "both misses counted");
    // The open mints first, so the worker gives it room for a coinbase its estimate may not have seen.
    const [opened] = await publicClient.getContractEvents({
      address: c.Settlement!,
      abi: settlementAbi,
      eventName: "EpochOpened",
      args: { netuid, epoch: next },
      fromBlock: 0n,
      strict: true,
    });
    const tx = await publicClient.getTransaction({ hash: opened!.transactionHash });
    const receipt = await publicClient.getTransactionReceipt({ hash: opened!.transactionHash });
    assert.ok(tx.gas >= receipt.gasUsed + 220_000n, `openEpoch gas limit ${tx.gas} has the coinbase headroom`);
  });

  it("with a deadline of k tempos, the open rolls over every earlier epoch whose deadline passed, k + 1 back", async () => {
    const gov = chain.wallet(owner.coldkey);
    const hash = await gov.writeContract({
      address: c.Settlement!,
      abi: settlementAbi,
      functionName: "setDeadlineSlots",
      args: [20n], // two tempos of 10 slots
      account: gov.account,
      chain: gov.chain,
    });
    assert.equal((await publicClient.waitForTransactionReceipt({ hash })).status, "success");
    for (let i = 0; i < 4; i++) await nextEpoch(1); // clear of the epochs above
    const [x] = await epochNow();
    for (let i = 0; i < 3; i++) await nextEpoch(1); // x, x + 1 and x + 2 closed, none opened
    const e = x + 2n;
    const before = await missed();
    await worker(owner.hotkey).ensureOpen(netuid, e);
    // Deadlines are two closes on: x − 1's and x's (the closes of x + 1 and x + 2) passed, x + 1's has not.
    assert.deepEqual(
      [await epochInfo(x - 1n), await epochInfo(x), await epochInfo(x + 1n), await epochInfo(e)].map((i) => i.status),
      [EpochStatus.RolledOver, EpochStatus.RolledOver, EpochStatus.None, EpochStatus.Open],
    );
    assert.equal(await missed(), before + 2);
  });
});
