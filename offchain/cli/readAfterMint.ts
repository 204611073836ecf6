/**
 * Quotes as the trade will see them (one concept: reads after the pending coinbase). Every subnet trade mints
 * the emission of the slots since the last coinbase before it touches a pool (Staking `_accrue`), which moves
 * the pool; a quote from the stored pool is stale by all of it. On a subnet nobody has minted for a while (a
 * fresh network without validators) that is most of the price: a 1.0 quote met a 2.94 pool and the trade
 * reverted `PriceLimitExceeded`. So the reads run in one `eth_call` behind a `coinbase()`, through a deployless
 * Multicall3 (nothing is deployed or sent): the coinbase's writes are seen by the reads after it and dropped
 * with the call.
 */
import type { Abi, ContractFunctionParameters } from "viem";
import { emissionAbi } from "../abi/index.js";
import type { Protocol } from "./chain-context.js";

/** One read: a contract function of any mutability, called after the coinbase. */
export interface AfterMintRead {
  readonly address: `0x${string}`;
  readonly abi: Abi;
  readonly functionName: string;
  readonly args?: readonly unknown[];
}

/** The results of `reads`, in order, each as of the state right after `coinbase()`. */
export async function readAfterMint(
  p: Pick<Protocol, "client" | "emission">,
  reads: readonly AfterMintRead[],
): Promise<unknown[]> {
  const coinbase = { address: p.emission, abi: emissionAbi, functionName: "coinbase" } as const;
  const results = await p.client.multicall({
    contracts: [coinbase, ...reads] as unknown as ContractFunctionParameters[],
    allowFailure: false,
    deployless: true,
    // One eth_call whatever the calldata size: a chunked multicall would read in a call without the coinbase.
    batchSize: 0,
  });
  return (results as unknown[]).slice(1);
}
