import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { settlementAbi } from "../../offchain/abi/index.js";
import { EpochStatus } from "../../offchain/epoch/worker.js";
import { keys, localSubnet } from "./harness.js";

// What an epoch carries over (bonds, permits) must not depend on when a validator computes it.
describe("end to end: the carried-over result is the one finalised by the epoch's close", async () => {
  const owner = keys(0, 10);
  const TEMPO = 10;
  const { publicClient, chain, netuid, c, read, nextEpoch, epochNow, worker, closeOf } = await localSubnet({
    owner,
    validators: [],
    miners: [keys(2, 12)],
    validatorStakeTao: [2_000n],
    minLockTao: 1_000n,
    tempo: TEMPO,
    grantTao: 5_000n,
    commitReveal: false,
  });

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
