import { keccak256, toHex, type Hex } from "viem";
import { emissionAbi, settlementAbi, subnetRegistryAbi, weightsAbi } from "../offchain/abi/index.js";
import { ResultStore } from "../offchain/epoch/resultStore.js";
import { assembleEpochInput } from "../offchain/epoch/inputs.js";
import { EpochStatus } from "../offchain/epoch/worker.js";
import { commitHash, packWeights } from "../offchain/weights/index.js";
import { keys, localSubnet } from "../test/e2e/harness.js";
import type { BenchResult } from "./types.js";

/**
 * Gas of the hot paths with the real contracts wired together (no mocks): one subnet, 2 validators,
 * 3 miners, one commit-reveal epoch, settlement and claims. The per-contract benches use mocks for the
 * contracts they call; these rows include what the calls into the other contracts really cost.
 */
export default async function bench(): Promise<BenchResult> {
  const owner = keys(0, 10);
  const validator = keys(1, 11);
  const miners = [keys(2, 12), keys(3, 13), keys(4, 14)];
  const { provider, publicClient, chain, deployment, netuid, c, genesis, slotNow, nextEpoch, worker } =
    await localSubnet({
      owner,
      validators: [validator],
      miners,
      validatorStakeTao: [70n, 30n],
      minLockTao: 1_000n,
      tempo: 20,
      grantTao: 2_000n,
      commitReveal: true,
    });
  const gas: Record<string, number> = {};
  const measure = async (name: string, hash: Hex) => {
    const r = await publicClient.waitForTransactionReceipt({ hash });
    if (r.status !== "success") throw new Error(`${name} reverted`);
    gas[name] = Number(r.gasUsed);
  };
  /** Gas spent inside calls made by the top-level contract (the registry and permits, for Weights). */
  const split: string[] = [];
  const noteExternal = async (name: string, hash: Hex) => {
    const trace = (await provider.request({
      method: "debug_traceTransaction",
      params: [hash, { disableStorage: true, disableMemory: true, disableStack: true }],
    })) as { structLogs: { op: string; gas: number; depth: number }[] };
    const logs = trace.structLogs;
    let external = 0;
    logs.forEach((l, i) => {
      if (l.depth !== 1 || (l.op !== "CALL" && l.op !== "STATICCALL")) return;
      external += l.gas - logs.slice(i + 1).find((x) => x.depth === 1)!.gas;
    });
    split.push(`${name}: ${external} in registry/permits calls`);
  };
  const w = chain.wallet(owner.hotkey);
  const tx = { account: w.account, chain: w.chain } as const;

  await nextEpoch(1);
  await nextEpoch(2);
  const packed = packWeights([
    { uid: 2, value: 65535 },
    { uid: 3, value: 30000 },
    { uid: 4, value: 5000 },
  ]);
  const salt = keccak256(toHex("bench"));
  const hash = commitHash({ hotkey: owner.hotkey.address, netuid, packedWeights: packed, salt, versionKey: 0n });
  const commitTx = await w.writeContract({
    address: c.Weights!,
    abi: weightsAbi,
    functionName: "commitWeights",
    args: [netuid, hash],
    ...tx,
  });
  await measure("protocol: commitWeights (real registry and permits)", commitTx);
  await noteExternal("commitWeights", commitTx);
  const [epoch] = await publicClient.readContract({
    address: c.SubnetRegistry!,
    abi: subnetRegistryAbi,
    functionName: "epochAt",
    args: [netuid, await slotNow()],
  });
  await nextEpoch(2);
  const revealTx = await w.writeContract({
    address: c.Weights!,
    abi: weightsAbi,
    functionName: "revealWeights",
    args: [netuid, packed, salt, 0n],
    ...tx,
  });
  await measure("protocol: revealWeights, 3 entries (real registry and permits)", revealTx);
  await noteExternal("revealWeights", revealTx);
  await nextEpoch(2);
  await measure(
    "protocol: coinbase, 1 subnet, after a gap of epochs nobody opened",
    await w.writeContract({ address: c.Emission, abi: emissionAbi, functionName: "coinbase", ...tx }),
  );
  await measure(
    "protocol: openEpoch (bootstrap)",
    await w.writeContract({
      address: c.Settlement!,
      abi: settlementAbi,
      functionName: "openEpoch",
      args: [netuid, epoch + 1n],
      ...tx,
    }),
  );
  const settler = worker(owner.hotkey);
  const closeOf = async (e: bigint) =>
    (
      await publicClient.readContract({
        address: c.SubnetRegistry!,
        abi: subnetRegistryAbi,
        functionName: "epochBounds",
        args: [netuid, e],
      })
    )[1];
  const close = await closeOf(epoch + 1n);
  const outcome = await settler.settle(netuid, epoch + 1n, close);
  if (outcome.kind === "submitted") await measure("protocol: submitEpochResult (bootstrap, finalises)", outcome.tx);
  // Off-chain costs of one epoch on this 5-uid subnet: reading its inputs from chain, then Yuma + the tree.
  const info = await settler.info(netuid, epoch + 1n);
  let t0 = performance.now();
  await assembleEpochInput({
    client: publicClient,
    contracts: {
      SubnetRegistry: c.SubnetRegistry!,
      Staking: c.Staking!,
      Weights: c.Weights!,
      Settlement: c.Settlement!,
    },
    genesisTime: genesis,
    fromBlock: BigInt(deployment.deploymentBlock),
    netuid,
    epoch: epoch + 1n,
    previous: undefined,
    emission: info.budget,
  });
  const assembleMs = performance.now() - t0;
  t0 = performance.now();
  const stored = await worker(owner.hotkey).compute(netuid, epoch + 1n); // a fresh results directory
  const computeMs = performance.now() - t0;
  // Claims, one by one: a validator's leaf first (dividend: take and root part; the epoch's first claim), then
  // the miners' leaves (incentive only): first for epoch E+1 (each hotkey's first credit ever: fresh stake
  // checkpoint, shares and coldkey cache), then for E+2 (the same weights, a subnet in its steady state). The
  // claimBatch rows are in the settlement bench.
  const claimEpoch = async (e: bigint, result: typeof stored, label: string) => {
    // Claims land in a later slot than the epoch's open (which credits the owner cut to the owner hotkey): in
    // the same slot a credit would rewrite that slot's stake checkpoint instead of writing a new one.
    await chain.increaseTime(12);
    const tree = new ResultStore("").tree(result);
    const payable = [...tree.entries()].filter(([, leaf]) => BigInt(leaf[4]) + BigInt(leaf[5]) !== 0n);
    const claimOne = async (name: string, i: number) => {
      const [, , uid, hotkey, incentive, dividend] = tree.at(i)!;
      await measure(
        name,
        await w.writeContract({
          address: c.Settlement!,
          abi: settlementAbi,
          functionName: "claim",
          args: [netuid, e, uid, hotkey, BigInt(incentive), BigInt(dividend), tree.getProof(i) as Hex[]],
          ...tx,
        }),
      );
    };
    const validatorLeaf = payable.find(([, leaf]) => BigInt(leaf[5]) !== 0n);
    const minerLeaves = payable.filter(([, leaf]) => BigInt(leaf[5]) === 0n);
    if (validatorLeaf) await claimOne(`protocol: claim, a validator's leaf (${label})`, validatorLeaf[0]);
    for (const [k, [i]] of minerLeaves.entries()) {
      await claimOne(`protocol: claim, ${k === 0 ? "a" : "a further"} miner's leaf (${label})`, i);
    }
  };
  await claimEpoch(epoch + 1n, stored, "first credit of each hotkey");
  const close2 = await closeOf(epoch + 2n);
  await chain.increaseTime(Number(close2 - (await slotNow()) + 2n) * 12);
  const second = await settler.settle(netuid, epoch + 2n, close2);
  if (second.kind !== "submitted" && second.kind !== "finalised") throw new Error(`bench: epoch E+2 ${second.kind}`);
  await claimEpoch(epoch + 2n, await settler.compute(netuid, epoch + 2n), "steady state");
  // E+3 through claimBatch: one leaf alone, then the others in one batch; the difference per extra leaf is what
  // a further leaf of a batch costs with the real Staking credit (the settlement bench's row mocks Staking).
  const close3 = await closeOf(epoch + 3n);
  await chain.increaseTime(Number(close3 - (await slotNow()) + 2n) * 12);
  // By now every uid holds a permit (the miners' incentive is stake too): vote until the quorum is reached.
  for (const k of [owner, validator, ...miners]) {
    if ((await settler.info(netuid, epoch + 3n)).status === EpochStatus.Finalised) break;
    await worker(k.hotkey).settle(netuid, epoch + 3n, close3);
  }
  const status3 = (await settler.info(netuid, epoch + 3n)).status;
  if (status3 !== EpochStatus.Finalised) throw new Error(`bench: epoch E+3 not finalised (status ${status3})`);
  const tree3 = new ResultStore("").tree(await settler.compute(netuid, epoch + 3n));
  const leaves3 = [...tree3.entries()]
    .filter(([, leaf]) => BigInt(leaf[4]) + BigInt(leaf[5]) !== 0n)
    .map(([i, [, , uid, hotkey, incentive, dividend]]) => ({
      uid: Number(uid),
      hotkey: hotkey as Hex,
      incentive: BigInt(incentive),
      dividend: BigInt(dividend),
      proof: tree3.getProof(i) as Hex[],
    }));
  if (leaves3.length < 3) throw new Error(`bench: only ${leaves3.length} payable leaves in E+3`);
  const batch = async (name: string, leaves: typeof leaves3) =>
    measure(
      name,
      await w.writeContract({
        address: c.Settlement!,
        abi: settlementAbi,
        functionName: "claimBatch",
        args: [netuid, epoch + 3n, leaves],
        ...tx,
      }),
    );
  await chain.increaseTime(12); // a later slot than the open, as above
  const single = "protocol: claimBatch, 1 leaf (steady state)";
  const rest = `protocol: claimBatch, the other ${leaves3.length - 1} leaves (steady state)`;
  await batch(single, leaves3.slice(0, 1));
  await batch(rest, leaves3.slice(1));
  gas["protocol: claimBatch, each further leaf (steady state)"] = Math.round(
    (gas[rest]! - gas[single]!) / (leaves3.length - 2),
  );
  // The pruning scores with the real Settlement behind `lastEmissionOf` (the registry bench mocks it): the
  // epoch worker's call after a finalised and fully claimed epoch, one permits call per uid but the owner's.
  // The first sync also pre-fills the registration ring's words (docs/registry.md); the second is the steady
  // state.
  const sync = () =>
    w.writeContract({
      address: c.SubnetRegistry!,
      abi: subnetRegistryAbi,
      functionName: "syncPruningScores",
      args: [netuid],
      ...tx,
    });
  const uids = miners.length + 2;
  await measure(`protocol: syncPruningScores, ${uids} uids (real Settlement, first)`, await sync());
  await chain.increaseTime(12);
  await measure(`protocol: syncPruningScores, ${uids} uids (real Settlement, again)`, await sync());
  // Steady-state coinbase with every contract real: a slot inside the current epoch, then the first slot of
  // the next one (the epoch before the current was opened above, so its record slot is reused as is).
  const coinbase = () => w.writeContract({ address: c.Emission, abi: emissionAbi, functionName: "coinbase", ...tx });
  await measure("protocol: coinbase, 1 subnet, a slot inside an epoch", await coinbase());
  await chain.increaseTime(12);
  await measure("protocol: coinbase, 1 subnet, a slot inside an epoch", await coinbase());
  const [, , closeNow] = await publicClient.readContract({
    address: c.SubnetRegistry!,
    abi: subnetRegistryAbi,
    functionName: "epochAt",
    args: [netuid, await slotNow()],
  });
  await chain.increaseTime(Number(closeNow - (await slotNow()) - 1n) * 12);
  await coinbase();
  await chain.increaseTime(12);
  if ((await slotNow()) !== closeNow) throw new Error("bench: not at the epoch's first slot");
  await measure("protocol: coinbase, 1 subnet, first slot of an epoch", await coinbase());
  return {
    gas,
    timeMs: {
      "epoch: assemble inputs from chain (5 uids, in-process node)": Math.round(assembleMs * 10) / 10,
      "epoch: assemble + Yuma + tree from scratch (5 uids)": Math.round(computeMs * 10) / 10,
    },
    notes: {
      protocol:
        "all contracts real and wired (bench/protocol.bench.ts); per-contract rows elsewhere mock their neighbours",
      "protocol: weights calls (the owner hotkey: first ever commit and reveal, no permits read)": split.join("; "),
    },
  };
}
