/**
 * A validator killed mid-settlement finishes the epoch after a restart: the SettlementPort it runs (EpochWorker
 * over the in-process Hardhat network), restarted from the same results directory. The kills are injected in
 * the wallet, deterministically: right after a transaction went out, or before the n-th one of a kind.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import {
  keccak256,
  toHex,
  zeroHash,
  type Account,
  type Chain,
  type Hex,
  type Transport,
  type WalletClient,
} from "viem";
import { settlementAbi, stakingAbi, weightsAbi } from "../../offchain/abi/index.js";
import { ResultStore } from "../../offchain/epoch/resultStore.js";
import { EpochStatus } from "../../offchain/epoch/worker.js";
import { createSettlementPort } from "../../offchain/validator/adapters/settlementPort.js";
import { commitHash, packWeights } from "../../offchain/weights/index.js";
import { keys, localSubnet } from "./harness.js";

type Wallet = WalletClient<Transport, Chain | undefined, Account>;

/**
 * A wallet that records the contract functions it sent, and "kills the process" (throws) where `kill` says:
 * "after" = the n-th call of that function went out, then the caller dies; "before" = it dies before sending.
 */
function dyingWallet(
  wallet: Wallet,
  kill?: { fn: string; nth: number; when: "before" | "after" },
): { wallet: Wallet; sent: string[] } {
  const sent: string[] = [];
  const original = wallet.writeContract.bind(wallet);
  const seen = new Map<string, number>();
  const writeContract = (async (args: Parameters<Wallet["writeContract"]>[0]) => {
    const fn = args.functionName;
    const n = seen.get(fn) ?? 0;
    seen.set(fn, n + 1);
    const dies = kill !== undefined && kill.fn === fn && kill.nth === n;
    if (dies && kill.when === "before") throw new Error(`killed before sending ${fn} #${n}`);
    const hash = await original(args);
    sent.push(fn);
    if (dies) throw new Error(`killed after sending ${fn} #${n}`);
    return hash;
  }) as Wallet["writeContract"];
  return { wallet: { ...wallet, writeContract } as Wallet, sent };
}

describe("a validator killed mid-settlement finishes the epoch after a restart", async () => {
  const owner = keys(0, 10);
  const miners = [keys(2, 12), keys(3, 13), keys(4, 14)];
  const TEMPO = 20;
  const { publicClient, chain, deployment, netuid, c, read, nextEpoch, epochInfo } = await localSubnet({
    owner,
    validators: [],
    miners,
    validatorStakeTao: [70n],
    minLockTao: 1_000n,
    tempo: TEMPO,
    grantTao: 2_000n,
    commitReveal: true,
  });
  const send = async (w: Wallet, request: Parameters<Wallet["writeContract"]>[0]) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await w.writeContract(request) });
    assert.equal(receipt.status, "success");
  };

  // The owner's validator commits and reveals weights for the 3 miners, and the epoch closes.
  await nextEpoch(1); // the short tempo takes effect at the next boundary
  const packed = packWeights([
    { uid: 1, value: 65535 },
    { uid: 2, value: 30000 },
    { uid: 3, value: 5000 },
  ]);
  const ownerWallet = chain.wallet(owner.hotkey);
  const [commitEpoch] = await nextEpoch(2);
  const salt = keccak256(toHex(`salt-${commitEpoch}`));
  await send(ownerWallet, {
    address: c.Weights!,
    abi: weightsAbi,
    functionName: "commitWeights",
    args: [netuid, commitHash({ hotkey: owner.hotkey.address, netuid, packedWeights: packed, salt, versionKey: 0n })],
    account: ownerWallet.account,
    chain: ownerWallet.chain,
  });
  const [epoch] = await nextEpoch(2);
  await send(ownerWallet, {
    address: c.Weights!,
    abi: weightsAbi,
    functionName: "revealWeights",
    args: [netuid, packed, salt, 0n],
    account: ownerWallet.account,
    chain: ownerWallet.chain,
  });
  await nextEpoch(2);

  const resultsDir = mkdtempSync(path.join(tmpdir(), "settle-crash-"));
  /** The validator's settlement port as (re)started: a fresh process over the same results directory. */
  const start = (kill?: Parameters<typeof dyingWallet>[1]) => {
    const w = dyingWallet(chain.wallet(owner.hotkey), kill);
    const port = createSettlementPort({
      client: publicClient,
      wallet: w.wallet,
      deployment,
      resultsDir,
      claimBatchSize: 1,
    });
    return { port, sent: w.sent };
  };
  const E = Number(epoch);

  it("killed right after its vote went out: the restart finds the epoch final and does not vote again", async () => {
    const first = start({ fn: "submitEpochResult", nth: 0, when: "after" });
    const { root } = await first.port.compute(netuid, E);
    await assert.rejects(first.port.submit(netuid, E, root), /killed after sending submitEpochResult/);
    assert.equal((await epochInfo(epoch)).status, EpochStatus.Finalised, "the vote landed before the kill");

    const restarted = start();
    assert.equal((await restarted.port.compute(netuid, E)).root, root, "the stored result is reused");
    assert.equal(await restarted.port.submit(netuid, E, root), zeroHash, "nothing left to vote");
    assert.equal(await restarted.port.status(netuid, E), "finalised");
    assert.deepEqual(restarted.sent, [], "no second submission");
    assert.equal((await epochInfo(epoch)).root, root);
  });

  it("killed after half of the claims: the restart claims the rest, every leaf exactly once", async () => {
    const stored = new ResultStore(resultsDir).load(netuid, epoch);
    assert.ok(stored, "the epoch's result is on disk");
    const leaves = [...new ResultStore(resultsDir).tree(stored).entries()]
      .map(([, leaf]) => ({ uid: leaf[2], hotkey: leaf[3], amount: BigInt(leaf[4]) + BigInt(leaf[5]) }))
      .filter((l) => l.amount > 0n);
    assert.ok(leaves.length >= 4, `${leaves.length} payable leaves (3 miners and the validator)`);
    const isClaimed = (uid: number) =>
      read({ address: c.Settlement!, abi: settlementAbi, functionName: "isClaimed", args: [netuid, epoch, uid] });
    const stakeOf = async (hotkey: Hex) =>
      (await read({ address: c.Staking!, abi: stakingAbi, functionName: "hotkeyStake", args: [netuid, hotkey] }))[0];
    const minerHotkeys = new Set(miners.map((m) => m.hotkey.address.toLowerCase()));
    const minerLeaves = leaves.filter((l) => minerHotkeys.has(l.hotkey.toLowerCase()));
    assert.equal(minerLeaves.length, 3);
    const stakesBefore = await Promise.all(minerLeaves.map((l) => stakeOf(l.hotkey as Hex)));

    const dying = start({ fn: "claimBatch", nth: 2, when: "before" });
    await assert.rejects(dying.port.claim(netuid, E), /killed before sending claimBatch #2/);
    assert.equal(dying.sent.filter((f) => f === "claimBatch").length, 2);
    const claimedBefore = (await Promise.all(leaves.map((l) => isClaimed(l.uid)))).filter(Boolean).length;
    assert.equal(claimedBefore, 2, "two leaves were claimed before the kill");

    const restarted = start();
    const tx = await restarted.port.claim(netuid, E);
    assert.ok(tx, "the restart claimed something");
    assert.equal(restarted.sent.filter((f) => f === "claimBatch").length, leaves.length - 2, "only the rest");
    assert.deepEqual(
      await Promise.all(leaves.map((l) => isClaimed(l.uid))),
      leaves.map(() => true),
    );
    const total = leaves.reduce((s, l) => s + l.amount, 0n);
    assert.equal((await epochInfo(epoch)).claimed, total, "every leaf paid exactly once");
    const stakesAfter = await Promise.all(minerLeaves.map((l) => stakeOf(l.hotkey as Hex)));
    minerLeaves.forEach((l, i) =>
      assert.equal(stakesAfter[i]! - stakesBefore[i]!, l.amount, `uid ${l.uid}'s stake grew by its leaf once`),
    );

    const again = start();
    assert.equal(await again.port.claim(netuid, E), undefined, "nothing left to claim");
    assert.deepEqual(again.sent, []);

    // Pruning a claimed epoch deletes its result of the netuid's current life (a copy under another epoch number
    // here, as the later tests read this epoch's).
    const results = new ResultStore(resultsDir);
    const copy = { ...stored, epoch: String(epoch + 1000n) };
    results.save(copy);
    assert.equal(await again.port.forget?.(netuid, [E + 1000]), 1);
    assert.equal(results.load(netuid, epoch + 1000n, stored.generation ?? 0), undefined);
    assert.ok(results.load(netuid, epoch, stored.generation ?? 0), "the other epochs stay");
  });

  it("an epoch left without a quorum is rolled over once past its deadline, and then counts as resolved", async () => {
    const [current] = await nextEpoch(1);
    const late = current - 1n; // closed: the validator opens and computes it, but no vote ever lands
    const { port, sent } = start();
    await port.compute(netuid, Number(late));
    assert.equal((await epochInfo(late)).status, EpochStatus.Open);
    assert.equal(await port.status(netuid, Number(late)), "pending", "before its deadline it is followed");
    assert.deepEqual(sent, ["openEpoch"], "opened (the open mints first); nothing else before the deadline");

    await nextEpoch(2); // past the deadline (one epoch after the close by default)
    assert.equal(await port.status(netuid, Number(late)), "finalised", "resolved: nothing more to follow");
    assert.equal((await epochInfo(late)).status, EpochStatus.RolledOver, "its emission went to the next epoch");
    assert.deepEqual(sent, ["openEpoch", "rollOver"]);
    assert.equal(await port.status(netuid, Number(late)), "finalised");
    assert.deepEqual(sent, ["openEpoch", "rollOver"], "rolled over once");
  });

  it("refuses a results directory of another deployment before computing or voting from it", async () => {
    const other = mkdtempSync(path.join(tmpdir(), "other-chain-"));
    new ResultStore(other).bind({ chainId: 945, settlement: `0x${"99".repeat(20)}`, genesisTime: 1 });
    const port = createSettlementPort({
      client: publicClient,
      wallet: chain.wallet(owner.hotkey),
      deployment,
      resultsDir: other,
    });
    await assert.rejects(port.compute(netuid, E), /are of chain 945 .* not of chain 31337/);
    const bound = JSON.parse(readFileSync(path.join(resultsDir, "deployment.json"), "utf8")) as { chainId: number };
    assert.equal(bound.chainId, 31337, "the validator's own directory was bound on first use");
  });
});
