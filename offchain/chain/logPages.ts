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
 * What providers answer when an `eth_getLogs` range holds too many blocks or results (geth and Infura "query
 * returned more than 10000 results", geth/BSC "exceed maximum block range: 2000", Alchemy "Log response size
 * exceeded", QuickNode "limited to a 10,000 range", Ankr "block range is too wide", ...), looked for in the
 * messages of the error and its causes (viem puts the node's text in `details`). A smaller range can succeed.
 */
const RANGE_REFUSAL =
  /block range (is )?(too|exceed)|exceed(s|ed)? (the )?max(imum)? (block )?range|more than [\d,]+ (results|logs)|response size|limited to (a )?[\d,]+ (block )?range|too many (results|logs|blocks)|range (limit|too large|is too large)|range \S+ exceeds [\d,]+ blocks/i;

/** Whether `err` is a provider refusing a log range as too long or too full (see {@link RANGE_REFUSAL}). */
export function isLogRangeRefusal(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const details = (e as { details?: unknown }).details;
    if (RANGE_REFUSAL.test(e.message) || (typeof details === "string" && RANGE_REFUSAL.test(details))) return true;
  }
  return false;
}

/**
 * The page to try after `err` refused one of `pageBlocks` blocks: half of it, or `err` rethrown when it is not a
 * range refusal or the page is one block already.
 */
export function smallerPage(err: unknown, pageBlocks: bigint): bigint {
  if (!isLogRangeRefusal(err) || pageBlocks <= 1n) throw err;
  return pageBlocks / 2n;
}

/**
 * Reads `[fromBlock, toBlock]` backwards, newest pages first, `PAGES_IN_FLIGHT` pages of `pageBlocks` blocks at a
 * time, and hands each group's logs to `take` newest first (block number, then log index, descending) with the
 * lowest block the group covered. Stops as soon as `take` answers true, or at `fromBlock`; returns the lowest
 * block read. For searches whose answer lies near the head (each hotkey's latest row): the cost follows how far
 * back the answer is, not the chain's age. A provider refusing a page as too long or too full
 * ({@link isLogRangeRefusal}) has the group re-read in pages of half the size, for the rest of the scan.
 */
export async function scanLogsBackward<L extends OrderedLog>(
  fromBlock: bigint,
  toBlock: bigint,
  pageBlocks: bigint,
  readPage: (range: { fromBlock: bigint; toBlock: bigint }) => Promise<readonly L[]>,
  take: (newestFirst: readonly L[], lowestBlock: bigint) => boolean | Promise<boolean>,
): Promise<bigint> {
  if (pageBlocks <= 0n) throw new RangeError(`log page of ${pageBlocks} blocks: pass a positive number of blocks`);
  let page = pageBlocks;
  let to = toBlock;
  while (to >= fromBlock) {
    const pages: Array<{ fromBlock: bigint; toBlock: bigint }> = [];
    for (let next = to, i = 0; i < PAGES_IN_FLIGHT && next >= fromBlock; i++) {
      const from = next - page + 1n > fromBlock ? next - page + 1n : fromBlock;
      pages.push({ fromBlock: from, toBlock: next });
      next = from - 1n;
    }
    let logs: L[];
    try {
      logs = (await Promise.all(pages.map(readPage))).flat();
    } catch (err) {
      page = smallerPage(err, page);
      continue;
    }
    to = pages[pages.length - 1]!.fromBlock - 1n;
    logs.sort((a, b) =>
      a.blockNumber === b.blockNumber ? b.logIndex - a.logIndex : a.blockNumber > b.blockNumber ? -1 : 1,
    );
    const lowest = pages[pages.length - 1]!.fromBlock;
    if (await take(logs, lowest)) return lowest;
  }
  return fromBlock;
}
