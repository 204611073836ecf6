import type { PublicClient } from "viem";

const SLOT_SECONDS = 12n;

/** The slot of a chain timestamp (SYSTEM.md §1): `(timestamp - genesisTime) / 12`, 0 before genesis. */
export function slotOf(timestamp: bigint, genesisTime: bigint): bigint {
  return timestamp <= genesisTime ? 0n : (timestamp - genesisTime) / SLOT_SECONDS;
}

/**
 * The last block whose slot is <= `slot`: the block at which "state as of the end of `slot`" is read.
 * Deterministic for every honest reader of the same chain (block timestamps are consensus data), so two
 * validators on different RPC nodes assemble the same epoch input. Binary search: O(log n) header reads.
 * Returns undefined when `slot` ends before `fromBlock` (nothing to read yet) and throws when the chain has
 * not reached the end of `slot` yet (the epoch is not closed).
 */
export async function lastBlockAtOrBeforeSlot(
  client: PublicClient,
  genesisTime: bigint,
  slot: bigint,
  fromBlock = 0n,
): Promise<bigint | undefined> {
  const head = await client.getBlock({ blockTag: "latest" });
  if (slotOf(head.timestamp, genesisTime) <= slot) {
    throw new Error(
      `slot ${slot} has not ended at the chain head (block ${head.number}, slot ${slotOf(head.timestamp, genesisTime)}): wait for a later block`,
    );
  }
  let lo = fromBlock;
  let hi = head.number;
  const slotAt = async (n: bigint) => slotOf((await client.getBlock({ blockNumber: n })).timestamp, genesisTime);
  if ((await slotAt(lo)) > slot) return undefined;
  // Invariant: slotAt(lo) <= slot < slotAt(hi).
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if ((await slotAt(mid)) <= slot) lo = mid;
    else hi = mid;
  }
  return lo;
}
