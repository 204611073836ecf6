import { subnetRegistryAbi } from "../abi/index.js";
import { readMetagraphRows, type RegistryRow } from "../validator/adapters/metagraphRows.js";
import type { Protocol } from "./chain-context.js";

export { mapPool } from "../validator/pool.js";
export type { RegistryRow };

/** How many RPC reads a command keeps in flight: parallel, without flooding a public node. */
export const READ_CONCURRENCY = 16;

/** Every neuron of `netuid` (the registry's `metagraph` view, read in pages; none for a subnet without any). */
export async function subnetNeurons(p: Protocol, netuid: number): Promise<RegistryRow[]> {
  // The view reverts for the root subnet, which has no neurons: ask the count first.
  const count = await p.client.readContract({
    address: p.registry,
    abi: subnetRegistryAbi,
    functionName: "neuronCount",
    args: [netuid],
  });
  return count === 0 ? [] : readMetagraphRows(p.client, p.registry, netuid);
}
