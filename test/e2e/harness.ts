// The in-process network the end-to-end tests share (no tests here): a fresh Hardhat network, the protocol
// deployed and one subnet bootstrapped by `bootstrapLocalSubnet` (as `npm start` does), and the clock and
// epoch helpers every such test needs.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { network } from "hardhat";
import type { EIP1193Provider, LocalAccount } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import assert from "node:assert/strict";
import { settlementAbi, subnetRegistryAbi, weightsAbi } from "../../offchain/abi/index.js";
import { assembleEpochInput, type PreviousResult } from "../../offchain/epoch/inputs.js";
import { slotOf } from "../../offchain/epoch/blockAtSlot.js";
import { ResultStore } from "../../offchain/epoch/resultStore.js";
import { EpochWorker, type EpochWorkerDeps } from "../../offchain/epoch/worker.js";
import { bootstrapLocalSubnet, type LocalSubnetPlan, type NeuronKeys } from "../../offchain/localnet/bootstrap.js";
import { packWeights, type WeightEntry } from "../../offchain/weights/index.js";
import { hardhatLocalChain } from "./localChain.js";

const MNEMONIC = "test test test test test test test test test test test junk";
/** Hardhat's dev account `i`. */
export const key = (i: number): LocalAccount => mnemonicToAccount(MNEMONIC, { addressIndex: i });
/** A coldkey and hotkey from dev accounts `c` and `h`. */
export const keys = (c: number, h: number): NeuronKeys => ({ coldkey: key(c), hotkey: key(h) });

export type LocalNetwork = Awaited<ReturnType<typeof localSubnet>>;

/**
 * The smallest settled subnet: the owner's validator (2,000 TAO staked, dev accounts 0/10) and one miner (2/12),
 * tempo 10, weights set directly.
 */
export const ownerAndOneMiner = (tempo = 10) =>
  localSubnet({
    owner: keys(0, 10),
    validators: [],
    miners: [keys(2, 12)],
    validatorStakeTao: [2_000n],
    minLockTao: 1_000n,
    tempo,
    grantTao: 5_000n,
    commitReveal: false,
  });

export async function localSubnet(plan: Omit<LocalSubnetPlan, "network">) {
  const { viem, provider } = await network.create();
  const publicClient = await viem.getPublicClient();
  const chain = hardhatLocalChain(provider as unknown as EIP1193Provider, publicClient);
  const { deployment, netuid } = await bootstrapLocalSubnet(chain, { network: "hardhat", ...plan });
  const c = deployment.contracts;
  const genesis = BigInt(deployment.genesisTime);
  const read = publicClient.readContract.bind(publicClient);
  const slotNow = async () => slotOf((await publicClient.getBlock({ blockTag: "latest" })).timestamp, genesis);
  /** [epoch, start, close] of the subnet's epoch now. */
  const epochNow = async () =>
    read({
      address: c.SubnetRegistry!,
      abi: subnetRegistryAbi,
      functionName: "epochAt",
      args: [netuid, await slotNow()],
    });
  /** Moves time to `into` slots past the current epoch's close; returns the epoch then. */
  const nextEpoch = async (into = 1) => {
    const [, , close] = await epochNow();
    await chain.increaseTime(Number(close - (await slotNow()) + BigInt(into)) * 12);
    return epochNow();
  };
  /** [start, close] of epoch `epoch` of the subnet. */
  const epochBounds = (epoch: bigint) =>
    read({ address: c.SubnetRegistry!, abi: subnetRegistryAbi, functionName: "epochBounds", args: [netuid, epoch] });
  /** The closing slot of epoch `epoch`. */
  const closeOf = async (epoch: bigint) => (await epochBounds(epoch))[1];
  const epochInfo = (epoch: bigint) =>
    read({ address: c.Settlement!, abi: settlementAbi, functionName: "epochInfo", args: [netuid, epoch] });
  /** An EpochWorker signing as `hotkey`, with its own results directory unless one is given. */
  const worker = (
    hotkey: LocalAccount,
    extra: Partial<
      Pick<EpochWorkerDeps, "client" | "wallet" | "store" | "claimBatchSize" | "confirmations" | "logPageBlocks">
    > = {},
  ) =>
    new EpochWorker({
      client: extra.client ?? publicClient,
      wallet: extra.wallet ?? chain.wallet(hotkey),
      contracts: {
        SubnetRegistry: c.SubnetRegistry!,
        Staking: c.Staking!,
        Weights: c.Weights!,
        Settlement: c.Settlement!,
      },
      genesisTime: genesis,
      deploymentBlock: BigInt(deployment.deploymentBlock),
      store: extra.store ?? new ResultStore(mkdtempSync(path.join(tmpdir(), "epochs-"))),
      claimBatchSize: extra.claimBatchSize,
      ...(extra.confirmations === undefined ? {} : { confirmations: extra.confirmations }),
      ...(extra.logPageBlocks === undefined ? {} : { logPageBlocks: extra.logPageBlocks }),
    });
  /** Governance (the owner's coldkey deployed the protocol) sets hyperparameter `param` (ISubnetRegistry.Param). */
  const setHyperparam = async (param: number, value: bigint) => {
    const gov = chain.wallet(plan.owner.coldkey);
    const hash = await gov.writeContract({
      address: c.SubnetRegistry!,
      abi: subnetRegistryAbi,
      functionName: "setHyperparam",
      args: [netuid, param, value],
      account: gov.account,
      chain: gov.chain,
    });
    assert.equal((await publicClient.waitForTransactionReceipt({ hash })).status, "success");
  };
  /** Governance (the owner's coldkey deployed the protocol) dissolves the subnet. */
  const dissolve = async () => {
    const gov = chain.wallet(plan.owner.coldkey);
    const hash = await gov.writeContract({
      address: c.SubnetRegistry!,
      abi: subnetRegistryAbi,
      functionName: "dissolveSubnet",
      args: [netuid],
      account: gov.account,
      chain: gov.chain,
    });
    assert.equal((await publicClient.waitForTransactionReceipt({ hash })).status, "success");
  };
  /** `hotkey` sets its weights directly (commit-reveal off), version key 0. */
  const setWeights = async (hotkey: LocalAccount, entries: WeightEntry[]) => {
    const w = chain.wallet(hotkey);
    const hash = await w.writeContract({
      address: c.Weights!,
      abi: weightsAbi,
      functionName: "setWeights",
      args: [netuid, packWeights(entries), 0n],
      account: w.account,
      chain: w.chain,
    });
    assert.equal((await publicClient.waitForTransactionReceipt({ hash })).status, "success");
  };
  /** `assembleEpochInput` of a closed epoch of the subnet. */
  const epochInput = (epoch: bigint, previous: PreviousResult | undefined, emission: bigint) =>
    assembleEpochInput({
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
      epoch,
      previous,
      emission,
    });
  return {
    provider,
    publicClient,
    chain,
    deployment,
    netuid,
    c,
    genesis,
    read,
    slotNow,
    epochNow,
    nextEpoch,
    epochInfo,
    epochBounds,
    closeOf,
    worker,
    setHyperparam,
    setWeights,
    dissolve,
    epochInput,
  };
}
