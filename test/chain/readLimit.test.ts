import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PublicClient } from "viem";
import { RPC_READS_IN_FLIGHT, withReadLimit } from "../../offchain/chain/readLimit.js";

/** A client whose reads take a few milliseconds each and count how many are in flight at once. */
function slowClient() {
  let inFlight = 0;
  let most = 0;
  const read = async (value: number) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, 2));
    inFlight--;
    if (value < 0) throw new Error(`read of ${value} failed`);
    return value * 2;
  };
  const fake = {
    readContract: read,
    getBlock: read,
    waitForTransactionReceipt: read,
    chain: { id: 31337 },
  };
  return { client: fake as unknown as PublicClient, most: () => most, reset: () => (most = 0) };
}

type Read = (value: number) => Promise<number>;
const method = (client: PublicClient, name: "readContract" | "getBlock" | "waitForTransactionReceipt") =>
  client[name] as unknown as Read;

describe("withReadLimit: reads queued, at most N in flight", () => {
  it("keeps at most N reads in flight across methods, with every answer and error", async () => {
    const slow = slowClient();
    const limited = withReadLimit(slow.client, 4);
    const values = Array.from({ length: 40 }, (_, i) => i);
    const answers = await Promise.all(values.map((v) => method(limited, v % 2 === 0 ? "readContract" : "getBlock")(v)));
    assert.deepEqual(
      answers,
      values.map((v) => v * 2),
    );
    assert.equal(slow.most(), 4);
    await assert.rejects(method(limited, "readContract")(-1), /read of -1 failed/);
    assert.equal(await method(limited, "readContract")(5), 10, "a failed read frees its place");
  });

  it("leaves calls that wait on the chain, and other properties, as they are", async () => {
    const slow = slowClient();
    const limited = withReadLimit(slow.client, 1);
    await Promise.all(Array.from({ length: 10 }, (_, i) => method(limited, "waitForTransactionReceipt")(i)));
    assert.equal(slow.most(), 10, "receipts are not queued");
    assert.equal(limited.chain?.id, 31337);
  });

  it("defaults to RPC_READS_IN_FLIGHT and refuses a bound that is not a whole number >= 1", async () => {
    const slow = slowClient();
    const limited = withReadLimit(slow.client);
    await Promise.all(Array.from({ length: 3 * RPC_READS_IN_FLIGHT }, (_, i) => method(limited, "readContract")(i)));
    assert.equal(slow.most(), RPC_READS_IN_FLIGHT);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => withReadLimit(slow.client, bad), /reads in flight .* whole number >= 1/);
    }
  });
});
