import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Hex, LocalAccount } from "viem";
import { subnetRegistryAbi, weightsAbi } from "../../offchain/abi/index.js";
import { commitHash, packWeights, type WeightEntry } from "../../offchain/weights/index.js";
import { keys, localSubnet } from "./harness.js";

// The registry and the Weights contract number epochs `[start, close)`: a commit or reveal in the closing slot
// belongs to the next epoch. The epoch input must agree, or a validator could copy a vector revealed during epoch
// e, commit it in e, reveal it in slot close(e) and have it count for e itself (never an epoch stale).
describe("end to end: weights set in an epoch's closing slot count for the next epoch", async () => {
  const owner = keys(0, 10);
  const miners = [keys(2, 12), keys(3, 13)];
  const TEMPO = 10;
  const net = await localSubnet({
    owner,
    validators: [],
    miners,
    validatorStakeTao: [70n],
    minLockTao: 1_000n,
    tempo: TEMPO,
    grantTao: 2_000n,
    commitReveal: true,
  });
  const { publicClient, chain, netuid, c, genesis, nextEpoch, slotNow } = net;
  const registry = { address: c.SubnetRegistry!, abi: subnetRegistryAbi } as const;
  const gov = chain.wallet(owner.coldkey);

  const send = async (w: ReturnType<typeof chain.wallet>, req: Parameters<typeof w.writeContract>[0]) => {
    const hash = await w.writeContract(req);
    assert.equal((await publicClient.waitForTransactionReceipt({ hash })).status, "success");
  };
  const setHyperparam = (param: number, value: bigint) =>
    send(gov, {
      ...registry,
      functionName: "setHyperparam",
      args: [netuid, param, value],
      account: gov.account,
      chain: gov.chain,
    });
  const weightsCall = (
    hotkey: LocalAccount,
    functionName: "commitWeights" | "revealWeights" | "setWeights",
    args: readonly unknown[],
  ) => {
    const w = chain.wallet(hotkey);
    return send(w, {
      address: c.Weights!,
      abi: weightsAbi,
      functionName,
      args,
      account: w.account,
      chain: w.chain,
    } as Parameters<typeof w.writeContract>[0]);
  };
  const inputOf = async (epoch: bigint) => (await net.epochInput(epoch, undefined, 1_000_000_000n)).input;
  const rowOf = (entries: WeightEntry[]) => entries.map((e) => [e.uid, e.value] as [number, number]);
  /** Moves time to the closing slot of the current epoch and checks that the next transaction lands in it. */
  const toClosingSlot = async () => {
    const [e, , close] = await net.epochNow();
    // A few seconds into the slot (not its edge), so that the next transactions land in it too.
    const now = (await publicClient.getBlock({ blockTag: "latest" })).timestamp;
    await chain.increaseTime(Number(genesis + close * 12n + 3n - now));
    assert.equal(await slotNow(), close, "now in the closing slot");
    return [e, close] as const;
  };

  const copied: WeightEntry[] = [
    { uid: 1, value: 65_535 },
    { uid: 2, value: 20_000 },
  ];
  const earlier: WeightEntry[] = [
    { uid: 1, value: 10_000 },
    { uid: 2, value: 65_535 },
  ];

  it("a commit of epoch e revealed in slot close(e) is not in epoch e's input, and is in e + 1's", async () => {
    await setHyperparam(10, 0n); // WeightsRateLimit: commit and set freely
    await setHyperparam(13, 1n); // RevealPeriodEpochs
    await nextEpoch(1); // the short tempo takes effect at the next boundary
    const [e, start] = await nextEpoch(1);

    const salt: Hex = `0x${"11".repeat(32)}`;
    const packed = packWeights(copied);
    const hash = commitHash({ hotkey: owner.hotkey.address, netuid, packedWeights: packed, salt, versionKey: 0n });
    await weightsCall(owner.hotkey, "commitWeights", [netuid, hash]);
    const commitSlot = await slotNow();
    assert.ok(start <= commitSlot, "committed during e");

    const [closing, close] = await toClosingSlot();
    assert.equal(closing, e);
    await weightsCall(owner.hotkey, "revealWeights", [netuid, packed, salt, 0n]);
    assert.equal(await slotNow(), close, "revealed in the closing slot (the contract's epoch e + 1)");
    await nextEpoch(1); // e + 1 is under way: e's inputs are final

    const inE = await inputOf(e);
    assert.deepEqual(inE.neurons[0]!.weights, [], "the reveal in slot close(e) does not count for e");
    assert.equal(inE.neurons[0]!.lastUpdate, commitSlot, "the commit (during e) is the owner's last update");
    assert.equal(inE.neurons[0]!.commitBlock, commitSlot, "still pending at e's close: the commit-reveal mask");

    await nextEpoch(1); // e + 1 closes
    const inNext = await inputOf(e + 1n);
    assert.deepEqual(inNext.neurons[0]!.weights, rowOf(copied), "it counts for e + 1");
    assert.equal(inNext.neurons[0]!.commitBlock, undefined, "revealed: nothing pending, no mask");
  });

  it("a direct setWeights in the closing slot counts neither its row nor its last update for that epoch", async () => {
    await setHyperparam(12, 0n); // CommitRevealEnabled: off
    const [e] = await nextEpoch(1);
    await weightsCall(owner.hotkey, "setWeights", [netuid, packWeights(earlier), 0n]);
    const earlierSlot = await slotNow();

    const [closing, close] = await toClosingSlot();
    assert.equal(closing, e);
    await weightsCall(owner.hotkey, "setWeights", [netuid, packWeights(copied), 0n]);
    assert.equal(await slotNow(), close);
    await nextEpoch(1);

    const inE = await inputOf(e);
    assert.deepEqual(inE.neurons[0]!.weights, rowOf(earlier), "the row set before the close");
    assert.equal(inE.neurons[0]!.lastUpdate, earlierSlot, "and its slot as the last update");
    const [, updatedAt] = await publicClient.readContract({
      ...registry,
      functionName: "epochAt",
      args: [netuid, close],
    });
    assert.equal(updatedAt, close, "the closing slot starts the next epoch");
  });
});
