import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { Address, Hex } from "viem";
import { bitmapOf, buildEpochTree, LEAF_TYPES, tupleHash, type EpochEntry, type EpochLeaf } from "./epochTree.js";
import { addressOf, deploySettlement, NETUID, TEMPO, type SettlementFixture } from "./fixture.js";

const BONDS: Hex = `0x${"b0".repeat(32)}`;
const ALPHA = 10n ** 9n;
const OWNER_CUT = 18n * ALPHA;
const DISTRIBUTABLE = 82n * ALPHA;
const Status = { None: 0, Open: 1, Finalised: 2, RolledOver: 3 } as const;

/** Fixture plus two voting validators (uids 1 and 2) with stake weights `w1` and `w2`, and epoch emission. */
async function withValidators(w1: bigint, w2: bigint) {
  const f = await deploySettlement();
  const [v1, v2] = f.wallets.slice(2, 4);
  await f.registry.write.setNeuron([NETUID, 0, f.ownerHotkey.account.address, 0n]);
  await f.registry.write.setNeuron([NETUID, 1, v1.account.address, 0n]);
  await f.registry.write.setNeuron([NETUID, 2, v2.account.address, 0n]);
  await f.staking.write.setStakeWeight([NETUID, v1.account.address, 0, w1]);
  await f.staking.write.setStakeWeight([NETUID, v2.account.address, 0, w2]);
  for (let e = 0n; e < 6n; e++) await f.staking.write.setEpochEmission([NETUID, e, OWNER_CUT, DISTRIBUTABLE]);
  return { ...f, v1, v2 };
}

function entriesFor(f: SettlementFixture, v1: Address, v2: Address): EpochEntry[] {
  return [
    { uid: 0, hotkey: f.ownerHotkey.account.address, incentive: 20n * ALPHA, dividend: 0n },
    { uid: 1, hotkey: v1, incentive: 20n * ALPHA, dividend: 16n * ALPHA },
    { uid: 2, hotkey: v2, incentive: 10n * ALPHA, dividend: 16n * ALPHA },
  ];
}

/** Opens epoch 0 and finalises it by the owner hotkey (bootstrap), granting permits to uids 1 and 2. */
async function bootstrap(f: Awaited<ReturnType<typeof withValidators>>) {
  const t = buildEpochTree(NETUID, 0n, entriesFor(f, f.v1.account.address, f.v2.account.address));
  await f.warpToSlot(f.openSlot(0n));
  await f.settlement.write.openEpoch([NETUID, 0n]);
  await f.settlement.write.submitEpochResult([NETUID, 0n, t.root, bitmapOf([1, 2]), BONDS, t.totals], {
    account: f.ownerHotkey.account,
  });
  return t;
}

describe("Settlement: encodings", () => {
  it("hashes leaves as @openzeppelin/merkle-tree does, and tuples as the off-chain helper", async () => {
    const f = await deploySettlement();
    const entries: EpochEntry[] = [
      { uid: 0, hotkey: addressOf("a"), incentive: 1n, dividend: 0n },
      { uid: 255, hotkey: addressOf("b"), incentive: 2n ** 200n, dividend: 3n },
      { uid: 7, hotkey: addressOf("c"), incentive: 0n, dividend: 123_456_789n },
    ];
    const t = buildEpochTree(9, 2n ** 63n, entries);
    for (const e of entries) {
      const onChain = await f.settlement.read.leafHash([9, 2n ** 63n, e.uid, e.hotkey, e.incentive, e.dividend]);
      assert.equal(onChain, t.tree.leafHash([9, 2n ** 63n, e.uid, e.hotkey, e.incentive, e.dividend]));
    }
    const permits = bitmapOf([1, 5, 255]);
    assert.equal(
      await f.settlement.read.tupleHashOf([t.root, permits, BONDS, t.totals]),
      tupleHash(t.root, permits, BONDS, t.totals),
    );
    assert.deepEqual(t.totals, { incentive: 2n ** 200n + 1n, dividend: 123_456_792n });
  });

  it("rejects entries the contract could never accept, naming the value", () => {
    assert.throws(
      () => buildEpochTree(1, 0n, [{ uid: 256, hotkey: addressOf("a"), incentive: 1n, dividend: 0n }]),
      /uid 256/,
    );
    const dup = { uid: 3, hotkey: addressOf("a"), incentive: 1n, dividend: 0n };
    assert.throws(() => buildEpochTree(1, 0n, [dup, dup]), /uid 3 appears twice/);
  });
});

describe("Settlement: quorum", () => {
  it("bootstrap: the owner hotkey alone finalises, a validator cannot", async () => {
    const f = await withValidators(70n * ALPHA, 30n * ALPHA);
    const t = buildEpochTree(NETUID, 0n, entriesFor(f, f.v1.account.address, f.v2.account.address));
    await f.warpToSlot(f.openSlot(0n));
    await f.viem.assertions.emitWithArgs(f.settlement.write.openEpoch([NETUID, 0n]), f.settlement, "OwnerCutCredited", [
      NETUID,
      0n,
      f.ownerHotkey.account.address,
      OWNER_CUT,
    ]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.settlement.write.submitEpochResult([NETUID, 0n, t.root, 6n, BONDS, t.totals], { account: f.v1.account }),
      f.settlement,
      "NotPermitted",
      [f.v1.account.address],
    );
    await f.viem.assertions.emitWithArgs(
      f.settlement.write.submitEpochResult([NETUID, 0n, t.root, 6n, BONDS, t.totals], {
        account: f.ownerHotkey.account,
      }),
      f.settlement,
      "EpochFinalised",
      [NETUID, 0n, t.root, 6n, BONDS, t.totals.incentive, t.totals.dividend],
    );
    assert.deepEqual(await f.settlement.read.permits([NETUID]), [6n, true]);
  });

  it("two validators with unequal stake: the minority alone does not finalise, the right tuple then does", async () => {
    const f = await withValidators(70n * ALPHA, 30n * ALPHA);
    await bootstrap(f);
    const t = buildEpochTree(NETUID, 1n, entriesFor(f, f.v1.account.address, f.v2.account.address));
    await f.warpToSlot(f.openSlot(1n));
    await f.settlement.write.openEpoch([NETUID, 1n]);
    const info = await f.settlement.read.epochInfo([NETUID, 1n]);
    assert.equal(info.permittedStake, 100n * ALPHA);
    assert.equal(info.quorumStake, 66_670_000_000n);

    const th = tupleHash(t.root, 6n, BONDS, t.totals);
    await f.viem.assertions.emitWithArgs(
      f.settlement.write.submitEpochResult([NETUID, 1n, t.root, 6n, BONDS, t.totals], { account: f.v2.account }),
      f.settlement,
      "EpochResultSubmitted",
      [NETUID, 1n, f.v2.account.address, th, 30n * ALPHA, 30n * ALPHA],
    );
    assert.equal((await f.settlement.read.epochInfo([NETUID, 1n])).status, Status.Open, "30% is not a quorum");
    await f.viem.assertions.emitWithArgs(
      f.settlement.write.submitEpochResult([NETUID, 1n, t.root, 6n, BONDS, t.totals], { account: f.v1.account }),
      f.settlement,
      "EpochFinalised",
      [NETUID, 1n, t.root, 6n, BONDS, t.totals.incentive, t.totals.dividend],
    );
    const done = await f.settlement.read.epochInfo([NETUID, 1n]);
    assert.equal(done.status, Status.Finalised);
    assert.equal(done.root, t.root);
  });

  it("a validator voting for a different root does not finalise; the epoch rolls over into the next one", async () => {
    const f = await withValidators(60n * ALPHA, 40n * ALPHA);
    await bootstrap(f);
    const entries = entriesFor(f, f.v1.account.address, f.v2.account.address);
    const a = buildEpochTree(NETUID, 1n, entries);
    const b = buildEpochTree(
      NETUID,
      1n,
      entries.map((e) => (e.uid === 2 ? { ...e, dividend: e.dividend - 1n } : e)),
    );
    await f.warpToSlot(f.openSlot(1n));
    await f.settlement.write.openEpoch([NETUID, 1n]);
    await f.settlement.write.submitEpochResult([NETUID, 1n, a.root, 6n, BONDS, a.totals], { account: f.v1.account });
    await f.settlement.write.submitEpochResult([NETUID, 1n, b.root, 6n, BONDS, b.totals], { account: f.v2.account });
    assert.equal((await f.settlement.read.epochInfo([NETUID, 1n])).status, Status.Open, "60% / 40%: no tuple has 2/3");
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.settlement.write.submitEpochResult([NETUID, 1n, a.root, 6n, BONDS, a.totals], { account: f.v2.account }),
      f.settlement,
      "AlreadySubmitted",
      [f.v2.account.address, 2],
    );

    const deadline = (await f.settlement.read.epochInfo([NETUID, 1n])).deadline;
    assert.equal(deadline, 2n * TEMPO + TEMPO, "close + one tempo");
    await f.viem.assertions.revertWithCustomError(
      f.settlement.write.rollOver([NETUID, 1n]),
      f.settlement,
      "DeadlineNotReached",
    );
    await f.warpToSlot(deadline + 1n);
    await f.viem.assertions.emitWithArgs(f.settlement.write.rollOver([NETUID, 1n]), f.settlement, "EpochRolledOver", [
      NETUID,
      1n,
      DISTRIBUTABLE,
      DISTRIBUTABLE,
    ]);
    await f.settlement.write.openEpoch([NETUID, 2n]);
    assert.equal((await f.settlement.read.epochInfo([NETUID, 2n])).budget, 2n * DISTRIBUTABLE, "nothing lost");
  });
});

describe("Settlement: claims", () => {
  it("claims revert when repeated, with a wrong proof, or for another epoch", async () => {
    const f = await withValidators(70n * ALPHA, 30n * ALPHA);
    const t = await bootstrap(f);
    const [, c1, c2] = t.claims;
    await f.viem.assertions.emitWithArgs(
      f.settlement.write.claim([NETUID, 0n, c1.uid, c1.hotkey, c1.incentive, c1.dividend, c1.proof]),
      f.settlement,
      "Claimed",
      [NETUID, 0n, c1.hotkey, c1.uid, c1.incentive + c1.dividend],
    );
    assert.equal(await f.staking.read.credited([NETUID, c1.hotkey]), c1.incentive + c1.dividend);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.settlement.write.claim([NETUID, 0n, c1.uid, c1.hotkey, c1.incentive, c1.dividend, c1.proof]),
      f.settlement,
      "AlreadyClaimed",
      [c1.uid],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.settlement.write.claim([NETUID, 0n, c2.uid, c2.hotkey, c2.incentive, c2.dividend, c1.proof]),
      f.settlement,
      "InvalidProof",
      [c2.uid],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.settlement.write.claim([NETUID, 1n, c2.uid, c2.hotkey, c2.incentive, c2.dividend, c2.proof]),
      f.settlement,
      "EpochNotFinalised",
      [NETUID, 1n, Status.None],
    );
  });

  it("a root that over-allocates cannot drain more than the epoch's emission", async () => {
    const f = await withValidators(70n * ALPHA, 30n * ALPHA);
    const greedy = buildEpochTree(NETUID, 0n, [
      { uid: 0, hotkey: f.ownerHotkey.account.address, incentive: 50n * ALPHA, dividend: 0n },
      { uid: 1, hotkey: f.v1.account.address, incentive: 50n * ALPHA, dividend: 0n },
    ]);
    await f.warpToSlot(f.openSlot(0n));
    await f.settlement.write.openEpoch([NETUID, 0n]);
    // The owner declares totals within the budget for a tree that pays 100 against a budget of 82.
    await f.settlement.write.submitEpochResult(
      [NETUID, 0n, greedy.root, 6n, BONDS, { incentive: DISTRIBUTABLE, dividend: 0n }],
      {
        account: f.ownerHotkey.account,
      },
    );
    const [c0, c1] = greedy.claims;
    await f.settlement.write.claim([NETUID, 0n, c0.uid, c0.hotkey, c0.incentive, c0.dividend, c0.proof]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.settlement.write.claim([NETUID, 0n, c1.uid, c1.hotkey, c1.incentive, c1.dividend, c1.proof]),
      f.settlement,
      "BudgetExceeded",
      [50n * ALPHA, 50n * ALPHA, DISTRIBUTABLE],
    );
    assert.equal(await f.staking.read.totalCredited([NETUID]), OWNER_CUT + 50n * ALPHA);
  });

  it("every leaf of a 256-leaf tree is claimable in one batch, from a served tree dump", async () => {
    const f = await deploySettlement();
    const entries: EpochEntry[] = [...Array(256).keys()].map((uid) => ({
      uid,
      hotkey: addressOf(`hotkey-${uid}`),
      incentive: 1_000_000n * BigInt(uid + 1),
      dividend: uid < 64 ? 777n * BigInt(uid) : 0n,
    }));
    const built = buildEpochTree(NETUID, 0n, entries);
    await f.staking.write.setEpochEmission([NETUID, 0n, 0n, built.totals.incentive + built.totals.dividend]);
    await f.warpToSlot(f.openSlot(0n));
    await f.settlement.write.openEpoch([NETUID, 0n]);
    await f.settlement.write.submitEpochResult([NETUID, 0n, built.root, 1n, BONDS, built.totals], {
      account: f.ownerHotkey.account,
    });

    // A claimer loads the tree an epoch worker served (JSON) and proves every leaf from it.
    const served = StandardMerkleTree.load<EpochLeaf>(
      JSON.parse(JSON.stringify(built.tree.dump(), (_, v) => (typeof v === "bigint" ? v.toString() : v))),
    );
    assert.deepEqual(served.dump().leafEncoding, [...LEAF_TYPES]);
    const leaves = [...served.entries()].map(([i, [, , uid, hotkey, incentive, dividend]]) => ({
      uid: Number(uid),
      hotkey,
      incentive: BigInt(incentive),
      dividend: BigInt(dividend),
      proof: served.getProof(i) as Hex[],
    }));
    const hash = await f.settlement.write.claimBatch([NETUID, 0n, leaves], { gas: 15_000_000n });
    const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");

    const info = await f.settlement.read.epochInfo([NETUID, 0n]);
    assert.equal(info.claimed, info.budget, "the whole budget, exactly");
    for (const e of entries) {
      assert.equal(
        await f.staking.read.credited([NETUID, e.hotkey]),
        e.incentive + e.dividend,
        `uid ${e.uid} credited`,
      );
      assert.equal(await f.settlement.read.isClaimed([NETUID, 0n, e.uid]), true);
    }
    assert.equal(await f.settlement.read.lastEmission([NETUID, 255]), entries[255].incentive);
    // A second batch over claimed leaves pays nothing (skipped, not reverted); a single claim reverts.
    await f.publicClient.waitForTransactionReceipt({
      hash: await f.settlement.write.claimBatch([NETUID, 0n, leaves.slice(100, 101)]),
    });
    assert.equal((await f.settlement.read.epochInfo([NETUID, 0n])).claimed, info.budget, "nothing more claimed");
    assert.equal(
      await f.staking.read.credited([NETUID, entries[100]!.hotkey]),
      entries[100]!.incentive + entries[100]!.dividend,
    );
    const again = leaves[100]!;
    await f.viem.assertions.revertWithCustomError(
      f.settlement.write.claim([NETUID, 0n, again.uid, again.hotkey, again.incentive, again.dividend, again.proof]),
      f.settlement,
      "AlreadyClaimed",
    );
  });
});
