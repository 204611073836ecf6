import type { Address, Hex } from "viem";
import type { BenchResult } from "./types.js";
import { addressOf, deploySettlement, NETUID, type SettlementFixture } from "../test/settlement/fixture.js";
import { bitmapOf, buildEpochTree, type EpochTree } from "../test/settlement/epochTree.js";

/** Permitted validators (subtensor's maxValidators default) and leaves per epoch (maxUids). */
const VALIDATORS = 64;
const LEAVES = 256;
const BONDS: Hex = `0x${"b0".repeat(32)}`;

async function gasOf(f: SettlementFixture, hash: Hex): Promise<number> {
  const r = await f.publicClient.waitForTransactionReceipt({ hash });
  if (r.status !== "success") throw new Error(`transaction ${hash} reverted`);
  return Number(r.gasUsed);
}

function treeFor(epoch: bigint, hotkeys: readonly Address[]): EpochTree {
  return buildEpochTree(
    NETUID,
    epoch,
    hotkeys.map((hotkey, uid) => ({
      uid,
      hotkey,
      incentive: 1_000_000_000n + BigInt(uid) * 7n,
      dividend: uid < VALIDATORS ? 2_000_000_000n + BigInt(uid) : 0n,
    })),
  );
}

/** Measures one epoch of settlement per scenario, with the mocks of contracts/harness (see notes). */
async function measure(perHotkey: boolean): Promise<Record<string, number>> {
  const f = await deploySettlement({ perHotkey });
  const { settlement, registry, staking, wallets, ownerHotkey } = f;
  const gas: Record<string, number> = {};
  // uid 0: owner hotkey; uids 1..3: wallets that vote; the other uids: addresses without keys.
  const voters = wallets.slice(2, 5);
  const hotkeys: Address[] = [];
  for (let uid = 0; uid < LEAVES; uid++) {
    const hk =
      uid === 0 ? ownerHotkey.account.address : uid <= 3 ? voters[uid - 1].account.address : addressOf(`hk-${uid}`);
    hotkeys.push(hk);
    await registry.write.setNeuron([NETUID, uid, hk, 0n]);
  }
  // Voters 1..3 hold 30% each of the permitted stake, the other 61 validators 10% together.
  for (let uid = 0; uid < VALIDATORS; uid++) {
    const w = uid >= 1 && uid <= 3 ? 30_000n * 10n ** 9n : (10_000n * 10n ** 9n) / 61n;
    await staking.write.setStakeWeight([NETUID, hotkeys[uid], 0, w]);
  }
  const permits = bitmapOf([...Array(VALIDATORS).keys()]);
  for (const e of [0n, 1n, 2n, 3n])
    await staking.write.setEpochEmission([NETUID, e, 65n * 10n ** 9n, 500n * 10n ** 9n]);

  // Epoch 0, bootstrap: the owner hotkey opens and finalises alone.
  const t0 = treeFor(0n, hotkeys);
  await f.warpToSlot(f.openSlot(0n));
  gas["openEpoch (bootstrap)"] = await gasOf(f, await settlement.write.openEpoch([NETUID, 0n]));
  gas["submitEpochResult (bootstrap, finalises)"] = await gasOf(
    f,
    await settlement.write.submitEpochResult([NETUID, 0n, t0.root, permits, BONDS, t0.totals], {
      account: ownerHotkey.account,
    }),
  );
  const c0 = t0.claims[10];
  gas["claim, 256 leaves (first claim of the uid ever)"] = await gasOf(
    f,
    await settlement.write.claim([NETUID, 0n, c0.uid, c0.hotkey, c0.incentive, c0.dividend, c0.proof]),
  );
  const rest0 = t0.claims
    .filter((c) => c.uid !== 10)
    .map(({ uid, hotkey, incentive, dividend, proof }) => ({
      uid,
      hotkey,
      incentive,
      dividend,
      proof,
    }));
  await gasOf(f, await settlement.write.claimBatch([NETUID, 0n, rest0]));

  // Epoch 1: 64 permitted validators; three votes of 30% each, the third reaches 2/3.
  const t1 = treeFor(1n, hotkeys);
  await f.warpToSlot(f.openSlot(1n));
  gas[`openEpoch (${VALIDATORS} permitted validators)`] = await gasOf(
    f,
    await settlement.write.openEpoch([NETUID, 1n]),
  );
  const vote = (i: number) =>
    settlement.write.submitEpochResult([NETUID, 1n, t1.root, permits, BONDS, t1.totals], {
      account: voters[i].account,
    });
  gas["submitEpochResult (first vote for a tuple)"] = await gasOf(f, await vote(0));
  gas["submitEpochResult (further vote)"] = await gasOf(f, await vote(1));
  gas["submitEpochResult (vote reaching quorum, finalises)"] = await gasOf(f, await vote(2));

  // Claims of epoch 1: the uids' records already hold epoch 0 (steady state).
  const c1 = t1.claims[10];
  gas["claim, 256 leaves"] = await gasOf(
    f,
    await settlement.write.claim([NETUID, 1n, c1.uid, c1.hotkey, c1.incentive, c1.dividend, c1.proof]),
  );
  const leaves = t1.claims
    .filter((c) => c.uid !== 10)
    .map(({ uid, hotkey, incentive, dividend, proof }) => ({
      uid,
      hotkey,
      incentive,
      dividend,
      proof,
    }));
  const one = await gasOf(f, await settlement.write.claimBatch([NETUID, 1n, leaves.slice(0, 1)]));
  const all = await gasOf(f, await settlement.write.claimBatch([NETUID, 1n, leaves.slice(1)]));
  gas["claimBatch, 1 leaf"] = one;
  gas[`claimBatch, ${leaves.length - 1} leaves`] = all;
  gas["claimBatch, each further leaf"] = Math.round((all - one) / (leaves.length - 2));

  // Epoch 2 never opened, epoch 3 opened without votes: both roll over after their deadlines. Epoch 2's passes
  // as epoch 3 opens (whose open would roll it over otherwise), so it is rolled over first.
  await f.warpToSlot(f.openSlot(3n));
  gas["rollOver (never opened)"] = await gasOf(f, await settlement.write.rollOver([NETUID, 2n]));
  gas["openEpoch (64 permitted, to roll over)"] = await gasOf(f, await settlement.write.openEpoch([NETUID, 3n]));
  await f.warpToSlot(f.openSlot(4n) + 1n);
  gas["rollOver (opened)"] = await gasOf(f, await settlement.write.rollOver([NETUID, 3n]));
  return gas;
}

/** `openEpoch` when all 256 uids hold a permit (the most a bitmap can grant; subtensor's default is 64). */
async function openAllPermitted(): Promise<number> {
  const f = await deploySettlement({ perHotkey: false });
  for (let uid = 0; uid < LEAVES; uid++) {
    const hk = uid === 0 ? f.ownerHotkey.account.address : addressOf(`hk-${uid}`);
    await f.registry.write.setNeuron([NETUID, uid, hk, 0n]);
    await f.staking.write.setStakeWeight([NETUID, hk, 0, 1_000n * 10n ** 9n]);
  }
  for (const e of [0n, 1n]) await f.staking.write.setEpochEmission([NETUID, e, 0n, 500n * 10n ** 9n]);
  await f.warpToSlot(f.openSlot(0n));
  await f.settlement.write.openEpoch([NETUID, 0n]);
  const t = treeFor(0n, [f.ownerHotkey.account.address]);
  await f.settlement.write.submitEpochResult([NETUID, 0n, t.root, (1n << 256n) - 1n, BONDS, t.totals], {
    account: f.ownerHotkey.account,
  });
  await f.warpToSlot(f.openSlot(1n));
  return gasOf(f, await f.settlement.write.openEpoch([NETUID, 1n]));
}

/**
 * `challengePermits` against bootstrap permits that are not Yuma's (owner uid 0 without stake; uids 1-3 with
 * 600 / 300 / 100 TAO of stake weight): the outranked way (uid 1 left out, uid 3 permitted: O(1) reads), and the
 * unfilled way (the owner's uid alone of 64: the bits' stake read too). Then the widened open that follows.
 */
async function challenges(): Promise<Record<string, number>> {
  const gas: Record<string, number> = {};
  for (const [way, bitmap, excluded, permitted] of [
    ["outranked", bitmapOf([0, 3]), 1, 3],
    ["unfilled, the owner's permit alone", bitmapOf([0]), 1, 0],
  ] as const) {
    const f = await deploySettlement({ perHotkey: false });
    const hotkeys = [f.ownerHotkey.account.address, addressOf("v1"), addressOf("v2"), addressOf("v3")];
    for (const [uid, hk] of hotkeys.entries()) {
      await f.registry.write.setNeuron([NETUID, uid, hk, 0n]);
      if (uid > 0) await f.staking.write.setStakeWeight([NETUID, hk, 0, BigInt([0, 600, 300, 100][uid]!) * 10n ** 9n]);
    }
    for (const e of [0n, 1n]) await f.staking.write.setEpochEmission([NETUID, e, 0n, 500n * 10n ** 9n]);
    await f.warpToSlot(f.openSlot(0n));
    await f.settlement.write.openEpoch([NETUID, 0n]);
    const t = treeFor(0n, hotkeys);
    await f.settlement.write.submitEpochResult([NETUID, 0n, t.root, bitmap, BONDS, t.totals], {
      account: f.ownerHotkey.account,
    });
    gas[`challengePermits (${way})`] = await gasOf(
      f,
      await f.settlement.write.challengePermits([NETUID, excluded, permitted]),
    );
    if (way === "outranked") {
      await f.warpToSlot(f.openSlot(1n));
      gas["openEpoch (widened after disproved permits, 3 staked uids)"] = await gasOf(
        f,
        await f.settlement.write.openEpoch([NETUID, 1n]),
      );
    }
  }
  return gas;
}

/** Bench keys share one table with the other modules: name them for this one. */
function prefixed<V>(rows: Record<string, V>): Record<string, V> {
  return Object.fromEntries(Object.entries(rows).map(([k, v]) => [`settlement: ${k}`, v]));
}

export default async function bench(): Promise<BenchResult> {
  const lean = await measure(false);
  const ledger = await measure(true);
  const gas: Record<string, number> = { ...lean };
  gas["openEpoch (256 permitted validators)"] = await openAllPermitted();
  Object.assign(gas, await challenges());
  for (const k of ["claim, 256 leaves", "claimBatch, each further leaf"])
    gas[`${k} (mock keeps per-hotkey ledger)`] = ledger[k];
  return {
    gas: prefixed(gas),
    notes: prefixed({
      mocks:
        "Registry and Staking are the contracts/harness mocks: each registry read is one SLOAD; stake weight is an " +
        "OpenZeppelin Checkpoints lookup; creditEmission only emits an event (the 'per-hotkey ledger' rows add " +
        "two storage writes per credit). A real Staking.creditEmission costs more; the settlement's share is the same.",
      scenario: "64 permitted validators (3 voting, 30% of the stake each), 256-leaf trees, epoch 0 in bootstrap",
      baseline: "Uniswap merkle-distributor claim: 95,256 gas first, 62,332 average",
      targets:
        "submitEpochResult <= 80k whatever the number of uids; claim at 256 leaves <= 60k; further batch leaf <= 35k",
    }),
  };
}
