/** Reading contract logs over a long block range in pages (one concept: paging and ordering). */

/** The default page: many providers cap `eth_getLogs` ranges near 10,000 blocks. */
export const DEFAULT_LOG_PAGE_BLOCKS = 10_000n;
/** Pages read at once: bounded concurrency over a long range, one request for a short one. */
const PAGES_IN_FLIGHT = 4;

interface OrderedLog {
  blockNumber: bigint;
  logIndex: number;
}

/**
 * Reads `[fromBlock, toBlock]` backwards, newest pages first, `PAGES_IN_FLIGHT` pages of `pageBlocks` blocks at a
 * time, and hands each group's logs to `take` newest first (block number, then log index, descending) with the
 * lowest block the group covered. Stops as soon as `take` answers true, or at `fromBlock`; returns the lowest
 * block read. For searches whose answer lies near the head (each hotkey's latest row): the cost follows how far
 * back the answer is, not the chain's age.
 */
export async function scanLogsBackward<L extends OrderedLog>(
  fromBlock: bigint,
  toBlock: bigint,
  pageBlocks: bigint,
  readPage: (range: { fromBlock: bigint; toBlock: bigint }) => Promise<readonly L[]>,
  take: (newestFirst: readonly L[], lowestBlock: bigint) => boolean | Promise<boolean>,
): Promise<bigint> {
  if (pageBlocks <= 0n) throw new RangeError(`log page of ${pageBlocks} blocks: pass a positive number of blocks`);
  let to = toBlock;
  while (to >= fromBlock) {
    const pages: Array<{ fromBlock: bigint; toBlock: bigint }> = [];
    for (let i = 0; i < PAGES_IN_FLIGHT && to >= fromBlock; i++) {
      const from = to - pageBlocks + 1n > fromBlock ? to - pageBlocks + 1n : fromBlock;
      pages.push({ fromBlock: from, toBlock: to });
      to = from - 1n;
    }
    const logs = (await Promise.all(pages.map(readPage))).flat();
    logs.sort((a, b) =>
      a.blockNumber === b.blockNumber ? b.logIndex - a.logIndex : a.blockNumber > b.blockNumber ? -1 : 1,
    );
    const lowest = pages[pages.length - 1]!.fromBlock;
    if (await take(logs, lowest)) return lowest;
  }
  return fromBlock;
}
