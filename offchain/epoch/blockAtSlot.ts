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
 * not reached the end of `slot` yet (the epoch is not closed), counting only blocks at least `confirmations`
 * deep: with N > 0 the first block past `slot` must have N blocks on top of it, so a reorg shallower than N
 * cannot move the answer.
 */
export async function lastBlockAtOrBeforeSlot(
  client: PublicClient,
  genesisTime: bigint,
  slot: bigint,
  fromBlock = 0n,
  confirmations = 0n,
): Promise<bigint | undefined> {
  const head = await confirmedHead(client, confirmations);
  if (slotOf(head.timestamp, genesisTime) <= slot) {
    const depth = confirmations === 0n ? "the chain head" : `${confirmations} blocks below the chain head`;
    throw new Error(
      `slot ${slot} has not ended at ${depth} (block ${head.number}, slot ${slotOf(head.timestamp, genesisTime)}): wait for a later block`,
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

/**
 * The newest block with at least `confirmations` blocks on top of it (the head itself for 0; block 0 while the
 * chain is shorter). Read uncached: viem caches the block number for a polling interval.
 */
export async function confirmedHead(client: PublicClient, confirmations = 0n) {
  if (confirmations < 0n) throw new RangeError(`confirmations ${confirmations} must be >= 0`);
  if (confirmations === 0n) return client.getBlock({ blockTag: "latest" });
  const latest = await client.getBlockNumber({ cacheTime: 0 });
  return client.getBlock({ blockNumber: latest > confirmations ? latest - confirmations : 0n });
}
