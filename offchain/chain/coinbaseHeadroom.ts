import { getAddress, type Abi, type Account, type Address, type PublicClient } from "viem";
import { stakingAbi } from "../abi/index.js";

/** The protocol contracts whose calls can run the coinbase (those a sender knows; any may be left out). */
export interface MintingContracts {
  Staking?: Address;
  Emission?: Address;
  Settlement?: Address;
}

/** Per contract, the calls that mint the pending emission before their own work (or are the coinbase). */
const MINTING_CALLS: Readonly<Record<keyof MintingContracts, ReadonlySet<string>>> = {
  // Staking._accrue: subnet trades (a root stake or a same-subnet move does not mint; the headroom is then unused).
  Staking: new Set(["stake", "unstake", "unstakeAll", "moveStake", "transferStake"]),
  // setReceiver mints the slots before it to the reserve (a first mint writes fresh storage: ~60k more gas).
  Emission: new Set(["coinbase", "setReceiver"]),
  // Settlement: an open, and the roll-over of an epoch never opened.
  Settlement: new Set(["openEpoch", "rollOver"]),
};

/** Whether calling `functionName` on `to` may run the coinbase, so its gas limit wants `coinbaseHeadroom`. */
export function mintsFirst(to: Address, functionName: string, contracts: MintingContracts): boolean {
  const target = getAddress(to);
  return (Object.keys(MINTING_CALLS) as (keyof MintingContracts)[]).some((name) => {
    const address = contracts[name];
    return address !== undefined && getAddress(address) === target && MINTING_CALLS[name].has(functionName);
  });
}

/**
 * Gas to add to the estimate of a call that may run the coinbase (`mintsFirst`). The estimate is taken against
 * the head block, whose slot may already be minted, while the transaction can land in the next slot (or past an
 * epoch boundary) and pay the whole coinbase, whose cost grows with the live subnets (~37k each, ~64k when they
 * start an epoch; bench/staking.bench.ts). Unused gas is not charged. Capped below a 16M transaction gas limit.
 */
export async function coinbaseHeadroom(client: PublicClient, staking: Address): Promise<bigint> {
  const live = await client.readContract({ address: staking, abi: stakingAbi, functionName: "subnets" });
  const headroom = 150_000n + 70_000n * BigInt(live.length);
  return headroom < 12_000_000n ? headroom : 12_000_000n;
}

/**
 * The headroom a call to `functionName` on `to` wants on top of its estimate: `coinbaseHeadroom` when it may run
 * the coinbase (`mintsFirst`), else 0. The one check every sender makes.
 */
export async function headroomFor(
  client: PublicClient,
  to: Address,
  functionName: string,
  contracts: MintingContracts & { Staking: Address },
): Promise<bigint> {
  return mintsFirst(to, functionName, contracts) ? coinbaseHeadroom(client, contracts.Staking) : 0n;
}

/**
 * The gas limit for a call that may run the coinbase: its estimate plus 20 % plus `coinbaseHeadroom`; undefined
 * for any other call (the wallet's own estimate is then enough).
 */
export async function mintingGasLimit(
  client: PublicClient,
  call: { address: Address; abi: Abi | readonly unknown[]; functionName: string; args?: readonly unknown[] },
  account: Account | Address,
  contracts: MintingContracts & { Staking: Address },
): Promise<bigint | undefined> {
  const headroom = await headroomFor(client, call.address, call.functionName, contracts);
  if (headroom === 0n) return undefined;
  const { address, abi, functionName, args } = call;
  const estimate = await client.estimateContractGas({ address, abi: abi as Abi, functionName, args, account });
  return (estimate * 12n) / 10n + headroom;
}
