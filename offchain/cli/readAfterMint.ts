/**
 * Quotes as the trade will see them (one concept: reads after the pending coinbase). Every subnet trade mints
 * the emission of the slots since the last coinbase before it touches a pool (Staking `_accrue`), which moves
 * the pool; a quote from the stored pool is stale by all of it. On a subnet nobody has minted for a while (a
 * fresh network without validators) that is most of the price: a 1.0 quote met a 2.94 pool and the trade
 * reverted `PriceLimitExceeded`. So the reads run in one `eth_call` behind a `coinbase()`, through Multicall3
 * (nothing is sent): the coinbase's writes are seen by the reads after it and dropped with the call.
 *
 * Multicall3 is called where it is deployed, at its canonical address (most public chains have it): a
 * deployless call (an `eth_call` without `to`, carrying Multicall3's creation code) may be answered wrongly by
 * Bittensor's Frontier-based EVM. Where there is no code there (Anvil, Hardhat) the call is deployless. The
 * address is looked at once per client, on its first read after the mint.
 */
import type { Abi, ContractFunctionParameters, PublicClient } from "viem";
import { emissionAbi } from "../abi/index.js";
import type { Protocol } from "./chain-context.js";

/** Multicall3's address on every chain it was deployed to the canonical way (github.com/mds1/multicall3). */
export const MULTICALL3_ADDRESS = "0xcA11bde05977b3631167028862bE2a173976CA11" as const;

/** One read: a contract function of any mutability, called after the coinbase. */
export interface AfterMintRead {
  readonly address: `0x${string}`;
  readonly abi: Abi;
  readonly functionName: string;
  readonly args?: readonly unknown[];
}

/** Per client: whether Multicall3 has code at its canonical address (a failed look is not kept, and is asked again). */
const multicall3Deployed = new WeakMap<PublicClient, Promise<boolean>>();

/** Whether `client`'s chain has code at Multicall3's canonical address, asked once per client. */
export function hasMulticall3(client: PublicClient): Promise<boolean> {
  let known = multicall3Deployed.get(client);
  if (known === undefined) {
    known = client.getCode({ address: MULTICALL3_ADDRESS }).then((code) => code !== undefined && code !== "0x");
    multicall3Deployed.set(client, known);
    const asked = known;
    asked.catch(() => {
      if (multicall3Deployed.get(client) === asked) multicall3Deployed.delete(client);
    });
  }
  return known;
}

/** The results of `reads`, in order, each as of the state right after `coinbase()`. */
export async function readAfterMint(
  p: Pick<Protocol, "client" | "emission">,
  reads: readonly AfterMintRead[],
): Promise<unknown[]> {
  const coinbase = { address: p.emission, abi: emissionAbi, functionName: "coinbase" } as const;
  const via = (await hasMulticall3(p.client))
    ? ({ multicallAddress: MULTICALL3_ADDRESS } as const)
    : ({ deployless: true } as const);
  const results = await p.client.multicall({
    contracts: [coinbase, ...reads] as unknown as ContractFunctionParameters[],
    allowFailure: false,
    ...via,
    // One eth_call whatever the calldata size: a chunked multicall would read in a call without the coinbase.
    batchSize: 0,
  });
  return (results as unknown[]).slice(1);
}
