import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import type { LocalAccount } from "viem";
import { settlementAbi, subnetRegistryAbi } from "../../offchain/abi/index.js";
import { ResultStore } from "../../offchain/epoch/resultStore.js";
import { EpochStatus } from "../../offchain/epoch/worker.js";
import { hotkeyConsent } from "../../offchain/localnet/bootstrap.js";
import { runEpoch } from "../../offchain/yuma/epoch.js";
import type { U16Pairs } from "../../offchain/yuma/types.js";
import { key, keys, localSubnet } from "./harness.js";

// Epochs A (finalised), B (rolled over), C (settled next). A uid re-registered during B, after A's close and
// before C's start, must not inherit in C the bonds validators held on its old occupant: C carries A's result,
// so bond masking counts from A's close (Yuma's lastEpochBlock), not from B's close or C's start.
describe("end to end: a uid re-registered while an epoch rolled over does not inherit bonds", async () => {
  const owner = keys(0, 10);
  const validator = keys(1, 11); // uid 1: replaced during the gap (a validator with a bonds row and a permit)
  const miners = [keys(2, 12), keys(3, 13)]; // uid 2: replaced during the gap; uid 3: kept
  const newcomers = [key(15), key(16)]; // the hotkeys that take uids 1 and 2 over
  const TEMPO = 10;
  const net = await localSubnet({
    owner,
    validators: [validator],
    miners,
    validatorStakeTao: [70n, 30n],
    minLockTao: 1_000n,
    tempo: TEMPO,
    grantTao: 2_000n,
    commitReveal: false,
  });
  const { publicClient, chain, netuid, c, read, nextEpoch, epochInfo, setHyperparam, setWeights } = net;
  const registry = { address: c.SubnetRegistry!, abi: subnetRegistryAbi } as const;

  const bounds = net.epochBounds;
  const registrationSlot = (uid: number) =>
    read({ ...registry, functionName: "registrationSlot", args: [netuid, uid] });
  const hotkeyAt = (uid: number) => read({ ...registry, functionName: "hotkeyAt", args: [netuid, uid] });
  /** Registers `hotkey` (paid by miner 2's coldkey) on the full subnet; returns the uid it took. */
  const registerReplacing = async (hotkey: LocalAccount): Promise<number> => {
    const coldkey = miners[0]!.coldkey;
    const w = chain.wallet(coldkey);
    const [slot, burn] = await Promise.all([
      net.slotNow(),
      read({ ...registry, functionName: "burnCost", args: [netuid] }),
    ]);
    const sig = await hotkeyConsent(publicClient, c.SubnetRegistry!, hotkey, coldkey.address, slot + 1_000n, netuid);
    const hash = await w.writeContract({
      ...registry,
      functionName: "register",
      args: [netuid, hotkey.address, burn, sig],
      account: w.account,
      chain: w.chain,
    });
    assert.equal((await publicClient.waitForTransactionReceipt({ hash })).status, "success");
    const [registered, uid] = await read({ ...registry, functionName: "uidOf", args: [netuid, hotkey.address] });
    assert.ok(registered);
    return uid;
  };
  const bondTo = (row: U16Pairs | undefined, uid: number) => row?.find(([j]) => j === uid)?.[1] ?? 0;

  // One validator node per hotkey, each with its own result store.
  const ownerNode = net.worker(owner.hotkey, { store: new ResultStore(mkdtempSync(path.join(tmpdir(), "epochs-"))) });
  const validatorNode = net.worker(validator.hotkey);

  it("the epoch after the gap masks bonds from the last finalised close, not from its own start", async () => {
    // A full subnet of 4 uids with no immunity: the next registration replaces the oldest non-owner uid.
    await setHyperparam(7, 4n); // MaxValidators (MaxUids cannot go below it)
    await setHyperparam(0, 4n); // MaxUids
    await setHyperparam(1, 0n); // ImmunityPeriod
    await nextEpoch(1); // the short tempo takes effect at the next boundary

    // Epoch A0 (bootstrap): the owner's weights; its result grants the validator a permit.
    const [a0] = await nextEpoch(1);
    await setWeights(owner.hotkey, [
      { uid: 1, value: 20_000 },
      { uid: 2, value: 65_535 },
      { uid: 3, value: 30_000 },
    ]);
    const [a] = await nextEpoch(1);
    assert.equal(a, a0 + 1n);
    assert.equal((await ownerNode.settle(netuid, a0, (await bounds(a0))[1])).kind, "submitted");
    assert.equal((await epochInfo(a0)).status, EpochStatus.Finalised);

    // Epoch A: both validators weigh the miners; both vote; A is the last finalised epoch before C.
    await setWeights(validator.hotkey, [
      { uid: 2, value: 65_535 },
      { uid: 3, value: 30_000 },
    ]);
    const [b, bStart, bClose] = await nextEpoch(1);
    assert.equal(b, a + 1n);
    const [, aClose] = await bounds(a);
    assert.equal((await validatorNode.settle(netuid, a, aClose)).kind, "submitted");
    assert.equal((await ownerNode.settle(netuid, a, aClose)).kind, "submitted");
    assert.equal((await epochInfo(a)).status, EpochStatus.Finalised);
    assert.equal(bStart, aClose, "an epoch starts at the slot its predecessor closes");

    // Epoch B (the gap): the validator's uid 1, then miner 2's uid 2, are taken over by new hotkeys.
    const oldHotkeys = [await hotkeyAt(1), await hotkeyAt(2)];
    assert.deepEqual(await read({ ...registry, functionName: "pruneCandidate", args: [netuid] }), [true, 1]);
    assert.equal(await registerReplacing(newcomers[0]!), 1);
    assert.deepEqual(await read({ ...registry, functionName: "pruneCandidate", args: [netuid] }), [true, 2]);
    assert.equal(await registerReplacing(newcomers[1]!), 2);
    assert.deepEqual(oldHotkeys, [validator.hotkey.address, miners[0]!.hotkey.address]);

    // Epoch C: B closes; it is opened but nobody votes, and it rolls over once its deadline (C's close) passes.
    const [cEpoch, cStart, cClose] = await nextEpoch(1);
    assert.equal(cEpoch, b + 1n);
    assert.equal(cStart, bClose);
    await ownerNode.ensureOpen(netuid, b);
    assert.equal((await epochInfo(b)).status, EpochStatus.Open);
    await nextEpoch(1); // C closes
    assert.ok((await epochInfo(b)).deadline < (await net.slotNow()), "B missed its deadline");
    await ownerNode.rollOver(netuid, b);
    assert.equal((await epochInfo(b)).status, EpochStatus.RolledOver);
    const settled = await ownerNode.settle(netuid, cEpoch, cClose);
    assert.equal(settled.kind, "submitted", "the owner, the only permit holder left, finalises C");
    const cInfo = await epochInfo(cEpoch);
    assert.equal(cInfo.status, EpochStatus.Finalised);

    // The re-registrations lie strictly between A's close and C's start (= B's close).
    const registeredAt = [await registrationSlot(1), await registrationSlot(2)];
    for (const r of registeredAt) assert.ok(aClose < r && r < cStart, `registered at ${r}`);

    // What C carries: A's result (B never finalised; C itself is the newest finalised now, but not at its close),
    // with bonds on uids 1 and 2 and the old validator's permit.
    const [finalisedNow, source, sourceClose] = await read({
      address: c.Settlement!,
      abi: settlementAbi,
      functionName: "latestFinalised",
      args: [netuid],
    });
    assert.deepEqual([finalisedNow, source, sourceClose], [true, cEpoch, cClose], "C is the newest finalised now");
    const previous = await ownerNode.previousResult(netuid, cEpoch);
    assert.ok(previous, "C carries a result");
    assert.equal(previous.closeSlot, aClose, "C carries A's result");
    const [ownerRowA, validatorRowA] = [previous.bonds[0], previous.bonds[1]];
    assert.ok(bondTo(ownerRowA, 1) > 0 && bondTo(ownerRowA, 2) > 0 && bondTo(ownerRowA, 3) > 0, "A: owner's bonds");
    assert.ok(bondTo(validatorRowA, 2) > 0, "A: the old uid 1 held bonds");
    assert.equal((previous.permitsBitmap >> 1n) & 1n, 1n, "A: the old uid 1 held a permit");

    // C's assembled input: masking from A's close; the new occupants of uids 1 and 2 start afresh.
    const { input, hotkeys } = await net.epochInput(cEpoch, previous, cInfo.budget);
    assert.deepEqual(hotkeys.slice(1, 3), [newcomers[0]!.address, newcomers[1]!.address]);
    assert.equal(input.lastEpochBlock, aClose, "lastEpochBlock: the last finalised close, not B's close or C's start");
    assert.deepEqual(
      input.neurons.slice(1, 3).map((x) => x.blockAtRegistration),
      registeredAt,
    );
    for (const r of registeredAt) assert.ok(r > input.lastEpochBlock, "registered after lastEpochBlock: masked");
    assert.deepEqual(input.neurons[0]!.bonds, ownerRowA, "the owner's row carries, bonds on uids 1 and 2 included");
    assert.deepEqual(input.neurons[1]!.bonds, [], "the new uid 1 does not carry the old validator's bonds row");
    assert.equal(input.neurons[1]!.validatorPermit, false, "nor its permit");
    assert.deepEqual(input.neurons[2]!.bonds, []);

    // C's Yuma output (what finalised): the owner's bonds toward uids 1 and 2 are reset, toward uid 3 kept.
    const output = runEpoch(input);
    const stored = await ownerNode.compute(netuid, cEpoch);
    assert.equal(stored.root, cInfo.root, "the finalised root");
    assert.deepEqual(output.bonds, stored.bonds, "the assembled input is the one the worker settled");
    assert.equal(bondTo(output.bonds[0], 1), 0, "no bond toward the re-registered validator uid");
    assert.equal(bondTo(output.bonds[0], 2), 0, "no bond toward the re-registered miner uid");
    assert.ok(bondTo(output.bonds[0], 3) > 0, "the bond toward the kept miner stays");
    assert.deepEqual(output.bonds[1], [], "the new uid 1 holds no bonds");

    // The timeline discriminates: counting from C's start (= B's close), the old bonds would survive.
    const wrong = runEpoch({ ...input, lastEpochBlock: cStart }).bonds[0];
    assert.ok(bondTo(wrong, 1) > 0 && bondTo(wrong, 2) > 0, "lastEpochBlock = C's start would keep the old bonds");
  });
});
