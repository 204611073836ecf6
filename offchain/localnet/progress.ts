import type { Address, PublicClient } from "viem";
import { settlementAbi, weightsAbi } from "../abi/index.js";

export interface ProgressCounts {
  commits: number;
  reveals: number;
  submissions: number;
  finalised: bigint[];
  claims: number;
  claimed: bigint;
  /** Finalised epochs whose every payout (totalIncentive + totalDividend) has been claimed. */
  fullyClaimed: bigint[];
}

/** Counts the subnet's protocol events since `fromBlock`: what `localnet up` reports as it goes. */
export async function readProgress(
  client: PublicClient,
  contracts: { Weights: Address; Settlement: Address },
  netuid: number,
  fromBlock: bigint,
): Promise<ProgressCounts> {
  const range = { fromBlock, toBlock: "latest" as const, args: { netuid }, strict: true as const };
  const [commits, reveals, submissions, finalised, claims] = await Promise.all([
    client.getContractEvents({ address: contracts.Weights, abi: weightsAbi, eventName: "WeightsCommitted", ...range }),
    client.getContractEvents({ address: contracts.Weights, abi: weightsAbi, eventName: "WeightsSet", ...range }),
    client.getContractEvents({
      address: contracts.Settlement,
      abi: settlementAbi,
      eventName: "EpochResultSubmitted",
      ...range,
    }),
    client.getContractEvents({
      address: contracts.Settlement,
      abi: settlementAbi,
      eventName: "EpochFinalised",
      ...range,
    }),
    client.getContractEvents({ address: contracts.Settlement, abi: settlementAbi, eventName: "Claimed", ...range }),
  ]);
  const claimedPer = new Map<bigint, bigint>();
  for (const c of claims) claimedPer.set(c.args.epoch, (claimedPer.get(c.args.epoch) ?? 0n) + c.args.amount);
  const fullyClaimed = finalised
    .filter((e) => (claimedPer.get(e.args.epoch) ?? 0n) >= e.args.totalIncentive + e.args.totalDividend)
    .map((e) => e.args.epoch);
  return {
    commits: commits.length,
    reveals: reveals.length,
    submissions: submissions.length,
    finalised: finalised.map((e) => e.args.epoch),
    claims: claims.length,
    claimed: claims.reduce((s, e) => s + e.args.amount, 0n),
    fullyClaimed,
  };
}
