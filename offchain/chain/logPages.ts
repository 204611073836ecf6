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
 * Reads `[fromBlock, toBlock]` in pages of `pageBlocks` blocks with `readPage`, a few at a time, and returns every
 * log in chain order (block number, then log index), whatever order the pages or the node returned them in.
 */
export async function readLogsInPages<L extends OrderedLog>(
  fromBlock: bigint,
  toBlock: bigint,
  pageBlocks: bigint,
  readPage: (range: { fromBlock: bigint; toBlock: bigint }) => Promise<readonly L[]>,
): Promise<L[]> {
  if (pageBlocks <= 0n) throw new RangeError(`log page of ${pageBlocks} blocks: pass a positive number of blocks`);
  const pages: Array<{ fromBlock: bigint; toBlock: bigint }> = [];
  for (let from = fromBlock; from <= toBlock; from += pageBlocks) {
    const to = from + pageBlocks - 1n;
    pages.push({ fromBlock: from, toBlock: to < toBlock ? to : toBlock });
  }
  const logs: L[] = [];
  for (let i = 0; i < pages.length; i += PAGES_IN_FLIGHT) {
    for (const page of await Promise.all(pages.slice(i, i + PAGES_IN_FLIGHT).map(readPage))) logs.push(...page);
  }
  return logs.sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
  );
}
