/**
 * A bound on the reads a process keeps in flight against its RPC node (one concept: read concurrency). An epoch
 * of a 256-uid subnet reads about 1,300 values at its closing block; sent at once, a public provider answers
 * most of them 429, the retries fail alike, and the pass never completes. Queued here instead, they go out a
 * few at a time and each still gets the transport's own timeout and retries once it is sent.
 */
import pLimit from "p-limit";
import type { PublicClient } from "viem";

/** Reads in flight per client: enough to hide a provider's latency, few enough for its rate limits. */
export const RPC_READS_IN_FLIGHT = 16;

/**
 * The client methods queued: each a bounded read. Calls that wait on the chain (`waitForTransactionReceipt`,
 * `watch*`) are not, or they would hold a place for blocks; writes go through the wallet client.
 */
const QUEUED = new Set([
  "call",
  "estimateContractGas",
  "estimateGas",
  "getBalance",
  "getBlock",
  "getBlockNumber",
  "getChainId",
  "getCode",
  "getContractEvents",
  "getLogs",
  "getStorageAt",
  "getTransactionCount",
  "getTransactionReceipt",
  "multicall",
  "readContract",
  "simulateContract",
]);

/**
 * `client` with its reads queued, at most `inFlight` at a time (first come, first sent). Other properties pass
 * through. viem's actions call the original client underneath, so a queued read never waits on another.
 */
export function withReadLimit<C extends PublicClient>(client: C, inFlight: number = RPC_READS_IN_FLIGHT): C {
  if (!Number.isInteger(inFlight) || inFlight < 1) {
    throw new RangeError(`reads in flight ${inFlight}: pass a whole number >= 1`);
  }
  const limit = pLimit(inFlight);
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof prop !== "string" || !QUEUED.has(prop) || typeof value !== "function") return value;
      const read = value as (...args: unknown[]) => Promise<unknown>;
      return (...args: unknown[]) => limit(() => read.apply(target, args));
    },
  });
}
