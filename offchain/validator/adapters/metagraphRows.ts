/** `SubnetRegistry.metagraph` read in pages of 64 rows (the view's gas stays bounded on big subnets). */
import type { Address, PublicClient } from "viem";
import { subnetRegistryAbi } from "../../abi/index.js";

export const METAGRAPH_PAGE = 64;

export interface RegistryRow {
  uid: number;
  hotkey: Address;
  coldkey: Address;
  registrationSlot: bigint;
  lastUpdate: bigint;
  permit: boolean;
  immune: boolean;
  stakeWeight: bigint;
  axon: { endpoint: string; protocol: number; version: number; servedSlot: bigint };
}

/** Every neuron of `netuid`, at `blockNumber` (latest when undefined). */
export async function readMetagraphRows(
  client: PublicClient,
  registry: Address,
  netuid: number,
  blockNumber?: bigint,
): Promise<RegistryRow[]> {
  const rows: RegistryRow[] = [];
  for (let offset = 0; offset <= 65_535; offset += METAGRAPH_PAGE) {
    const page = await client.readContract({
      address: registry,
      abi: subnetRegistryAbi,
      functionName: "metagraph",
      args: [netuid, offset, METAGRAPH_PAGE],
      ...(blockNumber === undefined ? {} : { blockNumber }),
    });
    rows.push(...page);
    if (page.length < METAGRAPH_PAGE) break;
  }
  return rows;
}
