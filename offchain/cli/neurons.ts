import { subnetRegistryAbi } from "../abi/index.js";
import type { Protocol } from "./chain-context.js";

/** How many RPC reads a command keeps in flight: parallel, without flooding a public node. */
export const READ_CONCURRENCY = 16;

/** `fn` over `items` in order, with at most `width` calls in flight. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  width: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return out;
}

/** Every neuron of `netuid`, as the registry's `metagraph` view returns them (none for a subnet without any). */
export async function subnetNeurons(p: Protocol, netuid: number) {
  const reg = { address: p.registry, abi: subnetRegistryAbi } as const;
  const count = await p.client.readContract({ ...reg, functionName: "neuronCount", args: [netuid] });
  return count === 0
    ? []
    : await p.client.readContract({ ...reg, functionName: "metagraph", args: [netuid, 0, count] });
}

export type NeuronRow = Awaited<ReturnType<typeof subnetNeurons>>[number];
