import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidParamsRpcError, LimitExceededRpcError, RpcRequestError } from "viem";
import { isLogRangeRefusal, scanLogsBackward, smallerPage } from "../../offchain/chain/logPages.js";

/** What viem throws for a JSON-RPC error answer: the node's text is in the cause's `details`. */
const rpcError = (code: number, message: string) =>
  new RpcRequestError({ body: { method: "eth_getLogs" }, error: { code, message }, url: "http://node.invalid" });

interface Log {
  blockNumber: bigint;
  logIndex: number;
}

/** Two logs in every block of [0, 100]. */
const chainLogs = (from: bigint, to: bigint): Log[] => {
  const logs: Log[] = [];
  for (let b = from; b <= to; b++) logs.push({ blockNumber: b, logIndex: 0 }, { blockNumber: b, logIndex: 1 });
  return logs;
};

describe("log pages: providers' range refusals", () => {
  it("recognises the range refusals of common providers, directly or wrapped by viem, and nothing else", () => {
    const refusals = [
      new Error("query returned more than 10000 results"),
      new Error("exceed maximum block range: 2000"),
      new Error("Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range"),
      new Error("eth_getLogs is limited to a 10,000 range"),
      new Error("block range is too wide"),
      new Error("log range 1..9 exceeds 5 blocks"),
      new LimitExceededRpcError(rpcError(-32005, "query returned more than 10000 results")),
      new InvalidParamsRpcError(rpcError(-32602, "Log response size exceeded.")),
    ];
    for (const e of refusals) assert.equal(isLogRangeRefusal(e), true, e.message);
    const others = [
      new Error("execution reverted"),
      new Error("header not found"),
      new Error("block range extends beyond current head block"),
      new LimitExceededRpcError(rpcError(-32005, "project ID request rate exceeded")),
      "query returned more than 10000 results", // not an Error
      undefined,
    ];
    for (const e of others) assert.equal(isLogRangeRefusal(e), false, String(e));
  });

  it("halves a refused page and rethrows anything else, or a refusal of a single block", () => {
    const refusal = new Error("query returned more than 10000 results");
    assert.equal(smallerPage(refusal, 10_000n), 5_000n);
    assert.equal(smallerPage(refusal, 3n), 1n);
    assert.throws(
      () => smallerPage(refusal, 1n),
      (e) => e === refusal,
    );
    const other = new Error("header not found");
    assert.throws(
      () => smallerPage(other, 10_000n),
      (e) => e === other,
    );
  });

  it("scans in pages the provider takes: every log once, newest first, whatever page it started with", async () => {
    const cap = 7n;
    const served: Array<[bigint, bigint]> = [];
    let refused = 0;
    const read = async ({ fromBlock, toBlock }: { fromBlock: bigint; toBlock: bigint }) => {
      if (toBlock - fromBlock + 1n > cap) {
        refused++;
        throw new LimitExceededRpcError(rpcError(-32005, `exceed maximum block range: ${cap}`));
      }
      served.push([fromBlock, toBlock]);
      return chainLogs(fromBlock, toBlock);
    };
    const seen: Log[] = [];
    const lowest = await scanLogsBackward(0n, 100n, 64n, read, (logs) => {
      seen.push(...logs);
      return false;
    });
    assert.equal(lowest, 0n);
    assert.deepEqual(seen, chainLogs(0n, 100n).reverse(), "every log once, newest first");
    assert.ok(refused > 0 && refused <= 16, `${refused} refusals: the smaller page is kept for the rest of the scan`);
    assert.ok(
      served.every(([from, to]) => to - from + 1n === 4n || from === 0n),
      "pages of 4 blocks (64 halved until under the cap), the last one clipped at fromBlock",
    );
  });

  it("stops at the first error that is not a range refusal", async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error("header not found");
    };
    await assert.rejects(
      scanLogsBackward(0n, 100n, 10n, failing, () => false),
      /header not found/,
    );
    assert.ok(calls <= 4, "one group of pages, not retried smaller");
  });
});
