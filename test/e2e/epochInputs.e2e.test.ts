import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { settlementAbi } from "../../offchain/abi/index.js";
import { EpochStatus } from "../../offchain/epoch/worker.js";
import { keys, ownerAndOneMiner } from "./harness.js";

// What an epoch carries over (bonds, permits) must not depend on when a validator computes it.
describe("end to end: the carried-over result is the one finalised by the epoch's close", async () => {
  const owner = keys(0, 10);
  const TEMPO = 10;
  const { publicClient, chain, netuid, c, read, nextEpoch, epochNow, worker, closeOf } = await ownerAndOneMiner(TEMPO);

  it("an epoch finalised after the next one closed does not feed it, however late that one is computed", async () => {
    // Votes stay open for 5 tempos: epoch B can finalise after epoch E (the one after it) has closed.
    const gov = chain.wallet(owner.coldkey);
    const tx = await gov.writeContract({
      address: c.Settlement!,
      abi: settlementAbi,
      functionName: "setDeadlineSlots",
      args: [BigInt(5 * TEMPO)],
      account: gov.account,
      chain: gov.chain,
    });
    assert.equal((await publicClient.waitForTransactionReceipt({ hash: tx })).status, "success");
    await nextEpoch(1);
    const [a] = await epochNow();
    await nextEpoch(1);
    const settler = worker(owner.hotkey);
    assert.equal((await settler.settle(netuid, a, await closeOf(a))).kind, "submitted", "A finalises in time");
    const b = a + 1n;
    const e = a + 2n;
    await nextEpoch(1); // B closed; nobody settles it yet
    await nextEpoch(1); // E closed too
    assert.equal((await settler.settle(netuid, b, await closeOf(b))).kind, "submitted", "B finalises late");
    const info = (epoch: bigint) =>
      read({ address: c.Settlement!, abi: settlementAbi, functionName: "epochInfo", args: [netuid, epoch] });
    assert.equal((await info(b)).status, EpochStatus.Finalised);
    // B is the newest finalised epoch now, but it was not when E closed: E carries A's result.
    const carried = await settler.previousResult(netuid, e);
    assert.equal(carried?.closeSlot, await closeOf(a), "E's bonds and permits come from A");
    await nextEpoch(1); // the epoch after E closes, with B finalised by then
    assert.equal((await settler.previousResult(netuid, e + 1n))?.closeSlot, await closeOf(b), "the next one's from B");
  });
});

describe("end to end: the activity cutoff Yuma reads is at least the epoch's length", async () => {
  const TEMPO = 400;
  const { nextEpoch, epochNow, epochBounds, setHyperparam, epochInput } = await ownerAndOneMiner(TEMPO);

  it("raises a cutoff below the tempo to the tempo, as subtensor's factor of at least one tempo does", async () => {
    await setHyperparam(14, 360n); // ActivityCutoff: the registry's minimum, below the 400-slot tempo
    await nextEpoch(1); // the tempo takes effect at the next boundary
    const [epoch] = await epochNow();
    await nextEpoch(1);
    const [start, close] = await epochBounds(epoch);
    assert.equal(close - start, BigInt(TEMPO));
    const { input } = await epochInput(epoch, undefined, 0n);
    assert.equal(input.activityCutoff, BigInt(TEMPO), "max(360, 400)");
  });
});
