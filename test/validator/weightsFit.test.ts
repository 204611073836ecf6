/**
 * Fitting scores to a subnet's weight rules (adapters/weightsCodec.ts `fit`): what the contract checks at reveal /
 * setWeights (Weights._checkVector: TooFewEntries, MaxWeightExceeded), with the real codec.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createWeightsCodec } from "../../offchain/validator/adapters/weightsCodec.js";
import { withinMaxWeightLimit } from "../../offchain/weights/index.js";
import type { FittedWeights, WeightRules } from "../../offchain/validator/ports.js";
import { U16_MAX } from "../../offchain/weights/index.js";

const codec = createWeightsCodec();
const rules = (over: Partial<WeightRules> = {}): WeightRules => ({
  neuronCount: 16,
  minAllowedWeights: 1,
  maxWeightLimit: U16_MAX,
  selfUid: 0,
  ...over,
});
function ok(f: FittedWeights) {
  assert.ok(f.ok, f.ok ? "" : f.reason);
  return f;
}

describe("fitting weights to the subnet's rules", () => {
  it("leaves a vector that already passes as the codec normalises it", () => {
    const f = ok(codec.fit([4, 2, 3], [0.25, 1, 0], rules()));
    assert.deepEqual([f.uids, f.values, f.padded, f.clipped], [[2, 4], [65535, 16384], [], false]);
  });

  it("pads with the lowest unused uids, value 0, up to min(minAllowedWeights, neuronCount), skipping its own uid", () => {
    const f = ok(codec.fit([5, 2], [1, 0.5], rules({ minAllowedWeights: 5, selfUid: 1 })));
    assert.deepEqual(f.uids, [0, 2, 3, 4, 5]);
    assert.deepEqual(f.values, [0, 32768, 0, 0, 65535]);
    assert.deepEqual(f.padded, [0, 3, 4]);
    // Capped at the neuron count; the validator's own uid only when no other is left.
    const all = ok(codec.fit([2], [1], rules({ neuronCount: 3, minAllowedWeights: 8, selfUid: 1 })));
    assert.deepEqual(
      [all.uids, all.values, all.padded],
      [
        [0, 1, 2],
        [0, 0, 65535],
        [0, 1],
      ],
    );
  });

  it("clips the top scores until the largest share is within maxWeightLimit, keeping the order", () => {
    const scores = [1, 0.2, 0.1, 0.05, 0.05];
    const limit = Math.floor(U16_MAX * 0.3); // 30 %
    const plain = codec.normalise([1, 2, 3, 4, 5], scores);
    assert.equal(withinMaxWeightLimit(plain.values, limit), false, "the unclipped vector would revert");
    const f = ok(codec.fit([1, 2, 3, 4, 5], scores, rules({ maxWeightLimit: limit })));
    assert.equal(f.clipped, true);
    assert.equal(Math.max(...f.values), U16_MAX);
    assert.ok(withinMaxWeightLimit(f.values, limit));
    for (let i = 1; i < f.values.length; i++)
      assert.ok((f.values[i] as number) <= (f.values[i - 1] as number), "order of the scores kept");
    // Tight: clipping a little less would fail (the cutoff is the largest that passes, within rounding).
    const sum = f.values.reduce((a, v) => a + v, 0);
    assert.ok(U16_MAX / sum > 0.3 - 0.001, `share ${U16_MAX / sum} is far below the 30 % limit`);
  });

  it("agrees with subtensor's check_vec_max_limited cases (as the contract tests them)", () => {
    const m = U16_MAX;
    assert.equal(withinMaxWeightLimit([m], m - 1), false);
    assert.equal(withinMaxWeightLimit([0, m, m], Math.floor(m / 2)), false);
    assert.equal(withinMaxWeightLimit([0, m, m], Math.floor(m / 2) + 1), true);
    assert.equal(withinMaxWeightLimit([0, m, m, m], Math.floor(m / 3) - 1), false);
    assert.equal(withinMaxWeightLimit([0, m, m, m], Math.floor(m / 3)), true);
    assert.equal(withinMaxWeightLimit([0, 0], 0), true);
  });

  it("refuses, with the reason and the fix, what no vector can pass", () => {
    const few = codec.fit([1, 2], [1, 0.5], rules({ maxWeightLimit: 16_384 }));
    assert.ok(!few.ok);
    assert.match(
      few.reason,
      /^maxWeightLimit 16384 \(25\.00% of the row\) needs more than 2 uid\(s\) with a positive score .*raise maxWeightLimit$/,
    );
    const big = codec.fit([1], [1], rules({ neuronCount: 400, minAllowedWeights: 300 }));
    assert.ok(!big.ok);
    assert.match(
      big.reason,
      /requires 300 entries per vector .* at most 256: the subnet owner must lower minAllowedWeights/,
    );
    const none = codec.fit([0, 20], [1, 1], rules()); // its own uid, and a uid not in use
    assert.ok(!none.ok);
    assert.match(none.reason, /no uid in use has a positive score/);
    assert.throws(
      () => codec.fit([1], [1], rules({ minAllowedWeights: -1 })),
      /minAllowedWeights -1 must be an integer/,
    );
  });
});
