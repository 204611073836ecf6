import type { Address, PublicClient } from "viem";
import { stakingAbi } from "../abi/index.js";

/**
 * Gas to add to the estimate of a call that mints the pending emission first (a subnet trade on Staking, an
 * `openEpoch` or an unopened `rollOver` on Settlement). The estimate is taken against the head block, whose slot
 * may already be minted, while the transaction can land in the next slot and pay the whole coinbase, whose cost
 * grows with the live subnets (~37k each, ~64k when they start an epoch; bench/staking.bench.ts). Unused gas is
 * not charged. Capped below a 16M transaction gas limit.
 */
export async function coinbaseHeadroom(client: PublicClient, staking: Address): Promise<bigint> {
  const live = await client.readContract({ address: staking, abi: stakingAbi, functionName: "subnets" });
  const headroom = 150_000n + 70_000n * BigInt(live.length);
  return headroom < 12_000_000n ? headroom : 12_000_000n;
}
