/**
 * Replay across a restart without a nonce store (createAxon with no `nonceStore`; the miner always has one, see
 * nonceStore.test.ts): nonce state is in memory only, so a new axon refuses every nonce dated before its start plus
 * clockSkewMs, the newest an earlier process on the same hotkey could have accepted from a validator whose clock
 * runs up to clockSkewMs ahead.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NonceSource } from "../../offchain/protocol/index.js";
import { TEXT, newKey, raw, signed, sleep, startAxon } from "./helpers.js";

describe("axon without a nonce store: no replay across a restart", () => {
  it("a request captured before a quick restart is refused after it; a fresh one is answered", async () => {
    const miner = newKey();
    const validator = newKey();
    const config = { clockSkewMs: 1_000 };
    const first = await startAxon(config, undefined, { miner, validator });
    const skew = first.axon.config.clockSkewMs;
    // The validator's clock runs 800 ms ahead (inside the 1 s skew): its nonces are dated after a restart that
    // follows within 800 ms, so a rule of "not before the start" alone would take the replay.
    const ahead = new NonceSource(() => Date.now() + 800);
    let captured;
    try {
      await sleep(Math.max(0, first.axon.noncesFromMs - 800 - Date.now() + 1)); // the first axon takes it
      captured = await signed(first, TEXT, { nonce: ahead.next() });
      assert.equal((await raw(first.url, captured)).status, 200, "answered by the first process");
    } finally {
      await first.close();
    }

    const second = await startAxon(config, undefined, { miner, validator });
    try {
      const replay = await raw(second.url, captured);
      assert.equal(replay.status, 401);
      assert.equal(replay.json().error, "stale_nonce");
      assert.match(
        replay.json().reason ?? "",
        /refuses nonces dated before its start plus the 1000 ms clock skew, so that a request captured before a restart cannot be replayed; retry in \d+ ms/,
      );
      assert.ok(Number(replay.headers["retry-after"]) >= 1, "says when to retry");
      assert.equal(second.backend.calls.length, 0, "no work for the replay");

      // A nonce from a clock clockSkewMs ahead is dated after the second start plus the skew: answered at once.
      const fresh = await signed(second, TEXT, { nonce: (Date.now() + skew) * 1000 });
      assert.equal((await raw(second.url, fresh)).status, 200);
      assert.equal(second.backend.calls.length, 1);
    } finally {
      await second.close();
    }
  });
});
